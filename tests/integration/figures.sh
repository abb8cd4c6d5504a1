# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# Integration tests of the figures and the terminal's reading aids (issue
# 16): a real run's report keeps every figure's gnuplot script and data next
# to its SVG, PDF and PNG, and gnuplot alone draws it again there; --hist
# prints log2 histograms whose counts are the run's counters, and so does
# the tracer's run-queue-wait distribution (latency.csv runq_wait); the
# summary ends with a verdict; every fixture's report.html shows all its figures
# in headless Chromium. Sourced by run.sh (lib.sh loaded).

# the slot counts of the histogram under the line starting with $2 in file $1
hist_sum() {
	awk -v head="$2" 'index($0, head) == 1 { on = 1; next } on && /^$/ { exit }
		on && / -> / { split($0, f, ":"); n += f[2] + 0 } END { print n + 0 }' "$1"
}

test_hist_matches_counters() {
	dir=$WORK/hist
	run_testbed hist shared-epoll --workers 2 --connections 4 --duration 1 --hist || return 1
	out=$dir.out
	grep -q '^     usecs               : count    distribution$' "$out" || fail "no bcc-style histogram header" || return 1
	c=$(summary "$dir" connections_completed); h=$(hist_sum "$out" "client latency: ")
	[ "$c" -gt 0 ] && [ "$h" -eq "$c" ] || fail "client latency histogram counts $h, summary.csv completed $c" || return 1
	grep -q "^client latency: $c requests$" "$out" || fail "client latency header does not say $c requests" || return 1
	q=$(latency_count "$dir" accept_queue_delay run); h=$(hist_sum "$out" "accept-queue delay: ")
	[ "$q" -gt 0 ] && [ "$h" -eq "$q" ] || fail "accept-queue histogram counts $h, latency.csv $q" || return 1
	# the run-queue-wait distribution (runq_wait_log2): one sample per runq wait, per process and run-wide
	rq=$(csv_sum "$dir/workers.csv" runq_waits)
	[ "$rq" -gt 0 ] && [ "$(latency_count "$dir" runq_wait run)" -eq "$rq" ] &&
		[ "$(latency_count "$dir" runq_wait process)" -eq "$rq" ] ||
		fail "runq_wait samples $(latency_count "$dir" runq_wait run) / $(latency_count "$dir" runq_wait process), workers.csv runq_waits $rq" || return 1
	# the summary ends with one verdict line; a 1 s run gets a 50 ms timeline interval (>= 20 points)
	[ "$(grep -c '^verdict  ' "$out")" -eq 1 ] || fail "no verdict line" || return 1
	grep -Eq '^verdict              (fair|unfair|herd|one worker): ' "$out" || fail "verdict: $(grep '^verdict' "$out")" || return 1
	[ "$(tail -2 "$out" | head -1 | cut -c1-7)" = verdict ] || fail "the verdict is not the summary's last line" || return 1
	[ "$(meta "$dir" interval_ms)" = 50 ] || fail "interval_ms $(meta "$dir" interval_ms), not 50 for a 1 s run" || return 1
	echo "    $c requests, $q accept-queue delays, $rq runq waits: histograms == counters"
}

test_report_keeps_figure_sources() {
	dir=$WORK/hist
	[ -f "$dir/summary.csv" ] || run_testbed hist shared-epoll --workers 2 --connections 4 --duration 1 || return 1
	"$TESTBED" report --format svg,pdf,png "$dir" >"$WORK/figs.out" 2>&1 || { cat "$WORK/figs.out"; fail "report failed"; return 1; }
	n=0
	for svg in "$dir"/report-*.svg; do
		base=${svg%.svg}; name=${base##*/}
		for ext in gp dat pdf png; do
			[ -s "$base.$ext" ] || fail "$name.$ext missing or empty" || return 1
		done
		[ "$(head -c 4 "$base.pdf")" = "%PDF" ] || fail "$name.pdf is not a PDF" || return 1
		grep -q 'set title' "$base.gp" && { fail "$name.gp sets a title (the heading names it)"; return 1; }
		# re-styleable without the run: gnuplot alone redraws it in the folder
		rm -f "$svg" "$base.pdf"
		(cd "$dir" && gnuplot "$name.gp" && gnuplot -e "format='pdf'" "$name.gp") 2>"$WORK/figs.err" ||
			{ cat "$WORK/figs.err"; fail "gnuplot $name.gp failed"; return 1; }
		grep -q '</svg>' "$svg" && [ -s "$base.pdf" ] || fail "gnuplot $name.gp did not redraw it" || return 1
		n=$((n + 1))
	done
	[ $n -ge 6 ] || fail "only $n figures" || return 1
	[ -s "$dir/report-heatmap-connections.svg" ] || fail "no heat map" || return 1
	grep -q 'Connections per worker over time (heat map)' "$dir/report.html" || fail "report.html lacks the heat map" || return 1
	! grep -q '(us' "$dir/report.md" || fail "report.md says us, not µs" || return 1
	echo "    $n figures, each with .gp .dat .svg .pdf .png, redrawn by gnuplot alone"
}

# check.html: a page above the reports that loads each report named in its
# query (?report=PATH&figures=N, repeatable) in an iframe and, once it and its images
# have loaded, walks its document: every <img> decoded with a size and
# something drawn on a canvas (SVG data: URIs leave the canvas readable; a
# linked file would not, then its size must do), every inline <svg> with
# elements and a size, every <figure> holding one of them, N figures in
# all. It writes one verdict line per report into its own DOM, which
# chromium --dump-dom prints: one browser start checks them all.
write_figure_check_page() {
	cat >"$1" <<'HTML'
<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>figure check</title></head>
<body>
<script>
var args = new URLSearchParams(location.search), wants = args.getAll('figures');
function drawn(img) {	/* share of the image's pixels not blank (transparent or white) */
	var c = document.createElement('canvas'), w = img.naturalWidth, h = img.naturalHeight, n = 0;
	c.width = w; c.height = h;
	var g = c.getContext('2d');
	g.drawImage(img, 0, 0);
	var p = g.getImageData(0, 0, w, h).data;
	for (var i = 0; i < p.length; i += 4)
		if (p[i + 3] > 0 && (p[i] < 250 || p[i + 1] < 250 || p[i + 2] < 250)) n++;
	return n / (w * h);
}
function check(d, want) {	/* the problems of one report's document, and its counts */
	var bad = [], figures = 0, imgs = d.querySelectorAll('img'), svgs = d.querySelectorAll('svg');
	for (var i = 0; i < imgs.length; i++) {
		var img = imgs[i], name = img.alt || img.src.slice(0, 40), r = img.getBoundingClientRect();
		if (!img.complete || img.naturalWidth == 0 || img.naturalHeight == 0) bad.push('broken image "' + name + '"');
		else if (r.width == 0 || r.height == 0) bad.push('image "' + name + '" takes no space');
		else try { if (drawn(img) < 0.005) bad.push('image "' + name + '" is blank'); } catch (e) { /* tainted: a linked file */ }
	}
	for (var i = 0; i < svgs.length; i++) {
		var r = svgs[i].getBoundingClientRect();
		if (svgs[i].querySelectorAll('*').length == 0) bad.push('empty inline svg #' + i);
		else if (r.width == 0 || r.height == 0) bad.push('inline svg #' + i + ' takes no space');
	}
	var figs = d.querySelectorAll('figure');
	for (var i = 0; i < figs.length; i++) {
		if (figs[i].querySelectorAll('img, svg').length == 0) bad.push('figure #' + i + ' holds no img or svg');
		else figures++;
	}
	if (figures != want) bad.push(figures + ' figures, report said ' + want);
	return bad.length ? 'FAIL ' + bad.join('; ') : 'ok ' + figures + ' figures, ' + imgs.length + ' img, ' + svgs.length + ' svg';
}
args.getAll('report').forEach(function (name, i) {
	var out = document.createElement('pre'), frame = document.createElement('iframe');
	out.className = 'verdict';
	out.textContent = 'figure check ' + name + ': no verdict (did not load)';
	frame.width = 1280; frame.height = 900;
	frame.onload = function () {
		var v;
		try { v = frame.contentDocument && frame.contentDocument.body ? check(frame.contentDocument, Number(wants[i])) : 'FAIL cannot read it'; }
		catch (e) { v = 'FAIL cannot read it: ' + e; }
		out.textContent = 'figure check ' + name + ': ' + v;
	};
	document.body.appendChild(out);
	document.body.appendChild(frame);
	frame.src = name;
});
</script>
</body></html>
HTML
}

# the verdict lines of check.html in headless Chromium on the reports given
# as PATH:FIGURES (PATH under $dir); Chromium's first start may take long,
# and it finds no D-Bus here (nor needs one)
figure_check() {
	query=
	for r in "$@"; do query="$query&report=${r%:*}&figures=${r##*:}"; done
	DBUS_SESSION_BUS_ADDRESS=disabled: timeout -k 5 60 chromium --headless=new --no-sandbox --disable-gpu \
		--allow-file-access-from-files --no-first-run --disable-extensions --disable-component-update \
		--disable-background-networking --disable-sync --mute-audio --user-data-dir="$WORK/chromium-profile" \
		--virtual-time-budget=5000 --dump-dom "file://$dir/check.html?${query#&}" 2>>"$WORK/chromium.err" |
		grep -o '<pre class="verdict">[^<]*' | sed 's/^<pre class="verdict">//'
}

test_report_renders_in_chromium() {
	command -v chromium >/dev/null || fail "chromium missing (Debian's chromium: make deps-test)" || return 1
	dir=$WORK/browser
	rm -rf "$dir" && mkdir -p "$dir" || return 1
	# the report of every fixture, reuseport-pool's with the most figures (8)
	reports=
	for fx in tests/fixtures/*/; do
		name=$(basename "$fx")
		cp -r "$fx" "$dir/$name" || return 1
		"$TESTBED" report --format svg "$dir/$name" >"$WORK/browser.out" 2>&1 || { cat "$WORK/browser.out"; fail "report $name failed"; return 1; }
		n=$(sed -n 's/.* and \([0-9]*\) figures .*/\1/p' "$WORK/browser.out")
		[ "${n:-0}" -ge 6 ] || fail "report $name printed no figure count of 6 or more: $(cat "$WORK/browser.out")" || return 1
		reports="$reports $name/report.html:$n"
	done
	write_figure_check_page "$dir/check.html"
	# and a copy with one figure's img pointing at a missing file, which the check must catch
	sed '0,/src="data:image\/svg+xml;base64,[^"]*"/s//src="report-missing.svg"/' "$dir/reuseport-pool/report.html" \
		>"$dir/reuseport-pool/report-broken.html"
	figure_check $reports reuseport-pool/report-broken.html:8 >"$WORK/browser.verdicts"
	for r in $reports; do
		n=${r##*:} v=$(grep "^figure check ${r%:*}: " "$WORK/browser.verdicts")
		[ "$v" = "figure check ${r%:*}: ok $n figures, $n img, 0 svg" ] ||
			{ tail -5 "$WORK/chromium.err"; fail "in Chromium: ${v:-no verdict for ${r%:*}}"; return 1; }
	done
	broken=$(grep '^figure check reuseport-pool/report-broken.html: ' "$WORK/browser.verdicts")
	case $broken in
	*": FAIL broken image "*) ;;
	*) fail "a report with a broken image: ${broken:-no verdict}, not FAIL broken image"; return 1;;
	esac
	echo "    $(echo $reports | wc -w) fixtures' report.html in headless Chromium: every figure shown ($(echo $reports | tr ' ' '\n' | sed 's/.*://' | paste -sd+) figures); a broken image is caught"
}
