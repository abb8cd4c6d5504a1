// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Finds function symbols in an ELF file (an executable or a shared object)
 * and turns their addresses into the file offsets uprobes are attached at,
 * reading the symbol tables once for all names: libbpf's attach by
 * func_name parses the file again for every probe, over a second per
 * probe set on a 100 MB node binary, while the traced process runs on
 * unprobed. Attaching is the collector's job, not this file's. */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <string.h>
#include <unistd.h>
#include "elf_symbols.h"

/* Symbol SYM (a function in section SYM.st_shndx) as a file offset. */
static uint64_t file_offset(Elf *elf, const GElf_Sym *sym)
{
	Elf_Scn *section = elf_getscn(elf, sym->st_shndx);
	GElf_Shdr sh;

	if (!section || !gelf_getshdr(section, &sh) || sym->st_value < sh.sh_addr)
		return 0;
	return sym->st_value - sh.sh_addr + sh.sh_offset;
}

/* Looks the functions of symbol table SECTION up; -1 if a name is defined twice. */
static int scan_symbols(Elf *elf, Elf_Scn *section, const GElf_Shdr *sh, const char *const *names, size_t n,
			uint64_t *offsets, struct error_message *err)
{
	Elf_Data *data = elf_getdata(section, NULL);
	size_t count = sh->sh_entsize ? sh->sh_size / sh->sh_entsize : 0;

	for (size_t i = 0; data && i < count; i++) {
		GElf_Sym sym;
		const char *name;
		uint64_t offset;

		if (!gelf_getsym(data, (int)i, &sym) || GELF_ST_TYPE(sym.st_info) != STT_FUNC ||
		    sym.st_shndx == SHN_UNDEF || !sym.st_value)
			continue;
		name = elf_strptr(elf, sh->sh_link, sym.st_name);
		for (size_t k = 0; name && k < n; k++) {
			if (strcmp(name, names[k]))
				continue;
			offset = file_offset(elf, &sym);
			if (offsets[k] && offset != offsets[k]) {
				error_message_set(err, "%s is defined twice", names[k]);
				return -1;
			}
			offsets[k] = offset;
		}
	}
	return 0;
}

int elf_function_offsets(const char *path, const char *const *names, size_t n, uint64_t *offsets,
			 struct error_message *err)
{
	int fd, ret = -1;
	Elf_Scn *section = NULL;
	Elf *elf;

	memset(offsets, 0, n * sizeof(*offsets));
	if (elf_version(EV_CURRENT) == EV_NONE) {
		error_message_set(err, "libelf is unusable: %s", elf_errmsg(-1));
		return -1;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		error_message_set(err, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF) {
		error_message_set(err, "%s is not an ELF file", path);
		goto out;
	}
	ret = 0;
	while (!ret && (section = elf_nextscn(elf, section))) {
		GElf_Shdr sh;

		if (gelf_getshdr(section, &sh) && (sh.sh_type == SHT_SYMTAB || sh.sh_type == SHT_DYNSYM))
			ret = scan_symbols(elf, section, &sh, names, n, offsets, err);
	}
out:
	elf_end(elf);
	close(fd);
	return ret;
}
