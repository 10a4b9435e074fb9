/*
 * Direct kernel boot: -kernel/-initrd/-append with no BIOS in the way.
 *
 * Linux (Documentation/arch/x86/boot.rst, zero-page.rst): a bzImage is
 * the real-mode setup ((setup_sects + 1) sectors, the setup header at
 * 0x1f1 with "HdrS" at 0x202) followed by the protected-mode kernel. We
 * need protocol 2.12 or later (xloadflags, and the 32-bit entry with
 * boot_params handed over in ESI), load the protected-mode part at its
 * preferred address (relocatable kernels) or 1 MiB, never run the setup
 * code, and fill boot_params ourselves: the header copy, e820, command
 * line, initrd, ACPI RSDP, an 80x25 VGA text screen_info. The CPU starts
 * at code32_start in flat 32-bit protected mode, paging and interrupts
 * off, CS=__BOOT_CS 0x10, DS=ES=SS=__BOOT_DS 0x18 from a GDT we install,
 * ESI=boot_params, EBX=EBP=EDI=0.
 *
 * Multiboot v1 (the Multiboot Specification 0.6.96): the header
 * (0x1BADB002, flags, checksum) is in the first 8 KiB, 4-byte aligned.
 * The kernel is an ELF (loaded by its program headers at their physical
 * addresses) or, with header flag 16, described by the header's address
 * fields. The info structure gives memory sizes, the memory map, the
 * command line, the boot loader name and the initrd as a module; the CPU
 * starts like Linux's but with EAX=0x2BADB002 and EBX=the info.
 *
 * Everything goes through the memory API; each range is checked against
 * the board's e820 RAM first, so a kernel that does not fit is an error
 * message, never a write into MMIO. Bad files are errors naming the file.
 */
#include "hw/i386/x86-boot.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "hw/i386/bzimage.h"
#include "util/bytes.h"
#include "util/file.h"
#include "util/log.h"

#define SETUP_HDR_OFF BZ_HDR_SETUP_SECTS /* where the header starts */

/* boot_params outside the header */
#define BP_SCREEN_INFO    0x000
#define BP_ACPI_RSDP_ADDR 0x070
#define BP_ALT_MEM_K      0x1e0
#define BP_E820_ENTRIES   0x1e8
#define BP_E820_TABLE     0x2d0
#define BP_SIZE           0x1000

#define MB_MAGIC            0x1badb002
#define MB_BOOT_MAGIC       0x2badb002
#define MB_SEARCH           8192
#define MB_FLAG_PAGE_ALIGN  (1u << 0)
#define MB_FLAG_MEMINFO     (1u << 1)
#define MB_FLAG_VIDEO       (1u << 2)
#define MB_FLAG_AOUT_KLUDGE (1u << 16)
/* info flags */
#define MBI_MEM             (1u << 0)
#define MBI_CMDLINE         (1u << 2)
#define MBI_MODS            (1u << 3)
#define MBI_MMAP            (1u << 6)
#define MBI_LOADER_NAME     (1u << 9)
#define MBI_SIZE            116
/* where the Multiboot pieces go, around the info at X86_BOOT_PARAMS_ADDR */
#define MB_MMAP_ADDR        (X86_BOOT_PARAMS_ADDR + 0x200)
#define MB_MODS_ADDR        (X86_BOOT_PARAMS_ADDR + 0xf00)
#define MB_NAME_ADDR        (X86_BOOT_PARAMS_ADDR + 0xf80)
#define MB_CMDLINE_MAX      0x8000
#define MB_MODSTR_ADDR      (X86_BOOT_CMDLINE_ADDR + MB_CMDLINE_MAX)

/* files as large as an initrd may be (the loaders place them below 4 GiB) */
#define BOOT_FILE_MAX (4ull << 30)

/* Is [addr, addr + size) inside one RAM entry of the map? */
static bool e820_range_is_ram(const X86BootConfig *cfg, uint64_t addr, uint64_t size)
{
    for (unsigned i = 0; i < cfg->e820_entries; i++) {
        const X86BootE820Entry *e = &cfg->e820[i];
        if (e->type == E820_RAM && addr >= e->addr && addr - e->addr <= e->size &&
            size <= e->size - (addr - e->addr)) {
            return true;
        }
    }
    return false;
}

/* The RAM entry that reaches highest below 4 GiB (the initrd goes there). */
static const X86BootE820Entry *e820_top_ram_below_4g(const X86BootConfig *cfg)
{
    const X86BootE820Entry *best = NULL;

    for (unsigned i = 0; i < cfg->e820_entries; i++) {
        const X86BootE820Entry *e = &cfg->e820[i];
        if (e->type == E820_RAM && e->addr < (1ull << 32) &&
            (!best || e->addr + e->size > best->addr + best->size)) {
            best = e;
        }
    }
    return best;
}

/* Size in bytes of the RAM entry starting exactly at addr (0: none). */
static uint64_t e820_ram_at(const X86BootConfig *cfg, uint64_t addr)
{
    for (unsigned i = 0; i < cfg->e820_entries; i++) {
        if (cfg->e820[i].type == E820_RAM && cfg->e820[i].addr == addr) {
            return cfg->e820[i].size;
        }
    }
    return 0;
}

static bool guest_write(AddressSpace *as, uint64_t addr, const void *buf, uint64_t len,
                        const char *what, Error **errp)
{
    if (len && address_space_write(as, addr, MEMTXATTRS_UNSPECIFIED, buf, len) != MEMTX_OK) {
        error_setg(errp, "cannot write the %s to guest memory at 0x%llx (0x%llx bytes)", what,
                   (unsigned long long)addr, (unsigned long long)len);
        return false;
    }
    return true;
}

static bool guest_zero(AddressSpace *as, uint64_t addr, uint64_t len, const char *what,
                       Error **errp)
{
    static const uint8_t zeros[4096];

    while (len) {
        uint64_t n = len < sizeof(zeros) ? len : sizeof(zeros);
        if (!guest_write(as, addr, zeros, n, what, errp)) {
            return false;
        }
        addr += n;
        len -= n;
    }
    return true;
}

static void set_flat_seg(CPUX86State *env, int seg, uint32_t selector, uint32_t flags)
{
    env->segs[seg].selector = selector;
    env->segs[seg].base = 0;
    env->segs[seg].limit = 0xffffffff;
    env->segs[seg].flags = flags;
}

/*
 * Install the boot GDT and put the CPU in flat 32-bit protected mode at
 * entry, interrupts and paging off; the caller sets the protocol's
 * registers afterwards.
 */
static bool boot_cpu_protected_mode(AddressSpace *as, X86CPU *cpu, uint32_t entry, Error **errp)
{
    /* the high dwords' bits 8..23: G D/B limit[19:16], P DPL=0 S type */
    const uint32_t code_flags = 0x00cf9b00; /* execute/read, accessed */
    const uint32_t data_flags = 0x00cf9300; /* read/write, accessed */
    uint8_t gdt[4 * 8] = { 0 };
    CPUX86State *env = &cpu->env;

    /* limit 0xfffff with G: 4 GiB; base 0 */
    st_le32(gdt + X86_BOOT_CS, 0x0000ffff);
    st_le32(gdt + X86_BOOT_CS + 4, code_flags);
    st_le32(gdt + X86_BOOT_DS, 0x0000ffff);
    st_le32(gdt + X86_BOOT_DS + 4, data_flags);
    if (!guest_write(as, X86_BOOT_GDT_ADDR, gdt, sizeof(gdt), "boot GDT", errp)) {
        return false;
    }

    env->gdt.base = X86_BOOT_GDT_ADDR;
    env->gdt.limit = sizeof(gdt) - 1;
    env->idt.base = 0;
    env->idt.limit = 0; /* any interrupt before the kernel's own IDT is a shutdown */
    env->efer = 0;
    x86_cpu_set_cr(env, 4, 0);
    x86_cpu_set_cr(env, 0, CR0_PE_MASK | CR0_ET_MASK);
    set_flat_seg(env, R_CS, X86_BOOT_CS, code_flags);
    set_flat_seg(env, R_DS, X86_BOOT_DS, data_flags);
    set_flat_seg(env, R_ES, X86_BOOT_DS, data_flags);
    set_flat_seg(env, R_SS, X86_BOOT_DS, data_flags);
    set_flat_seg(env, R_FS, X86_BOOT_DS, data_flags);
    set_flat_seg(env, R_GS, X86_BOOT_DS, data_flags);
    memset(env->regs, 0, sizeof(env->regs));
    cpu_load_eflags(env, 0x2, ~(uint64_t)0); /* IF, DF, VM, TF clear */
    env->eip = entry;
    env->hflags &= ~(HF_CPL_MASK | HF_INHIBIT_IRQ_MASK);
    x86_update_hflags(env);
    cpu->parent.halted = false;
    return true;
}

/* ---------------------------------------------------------------- Linux */

static bool linux_load(const X86BootConfig *cfg, AddressSpace *as, X86CPU *cpu, uint8_t *kernel,
                       size_t klen, X86BootInfo *info, Error **errp)
{
    const char *kname = cfg->kernel_filename;
    const char *cmdline = cfg->cmdline ? cfg->cmdline : "";
    uint8_t bp[BP_SIZE];
    uint8_t *initrd = NULL;
    size_t initrd_len = 0;
    bool ok = false;

    BzImage bz;
    if (!bzimage_parse(&bz, kname, kernel, klen, BZ_PROTOCOL_DIRECT_64, "direct boot",
                       BZ_HDR_INIT_SIZE + 4, errp)) {
        return false;
    }
    uint16_t version = bz.version;
    size_t hdr_end = bz.hdr_end;
    size_t setup_size = bz.setup_size;
    uint64_t pm_size = bz.kernel_size;
    uint64_t need = bz.kernel_need;

    /* where: the preferred address when relocatable and it fits, else 1 MiB */
    uint64_t load = 0x100000;
    uint64_t pref = ld_le64(kernel + BZ_HDR_PREF_ADDRESS);
    uint32_t align = ld_le32(kernel + BZ_HDR_KERNEL_ALIGNMENT);
    if (kernel[BZ_HDR_RELOCATABLE] && pref >= load && pref < (1ull << 32) &&
        (!align || (align & (align - 1)) || pref % align == 0) &&
        e820_range_is_ram(cfg, pref, need)) {
        load = pref;
    }
    if (!e820_range_is_ram(cfg, load, need)) {
        error_setg(errp,
                   "kernel '%s' needs 0x%llx bytes of RAM at 0x%llx: not enough guest RAM (-m)",
                   kname, (unsigned long long)need, (unsigned long long)load);
        return false;
    }

    /* command line */
    uint32_t cmdline_max = ld_le32(kernel + BZ_HDR_CMDLINE_SIZE);
    size_t cmdlen = strlen(cmdline);
    if (cmdline_max > 0xffff) {
        cmdline_max = 0xffff; /* what fits below X86_BOOT_LOW_END */
    }
    if (cmdlen > cmdline_max) {
        error_setg(errp, "kernel command line is %zu bytes; kernel '%s' accepts at most %u", cmdlen,
                   kname, cmdline_max);
        return false;
    }

    /* the zero page: the header as the kernel has it, then our fields */
    memset(bp, 0, sizeof(bp));
    memcpy(bp + SETUP_HDR_OFF, kernel + SETUP_HDR_OFF, hdr_end - SETUP_HDR_OFF);
    bp[BZ_HDR_TYPE_OF_LOADER] = 0xff; /* undefined loader */
    bp[BZ_HDR_LOADFLAGS] =
        (bp[BZ_HDR_LOADFLAGS] & ~(BZ_LOADFLAG_QUIET | BZ_LOADFLAG_KEEP_SEGMENTS)) |
        BZ_LOADFLAG_CAN_USE_HEAP;
    st_le16(bp + BZ_HDR_HEAP_END_PTR, 0xfe00);
    st_le32(bp + BZ_HDR_CODE32_START, load);
    st_le32(bp + BZ_HDR_CMD_LINE_PTR, X86_BOOT_CMDLINE_ADDR);
    st_le64(bp + BP_ACPI_RSDP_ADDR, cfg->acpi_rsdp_addr);

    /* screen_info: the VGA text console the kernel finds already set up */
    uint64_t ext_kb = e820_ram_at(cfg, 0x100000) / 1024;
    st_le16(bp + BP_SCREEN_INFO + 0x02, ext_kb > 0xffff ? 0xffff : ext_kb); /* ext_mem_k */
    bp[BP_SCREEN_INFO + 0x06] = 3;           /* orig_video_mode: 80x25 colour text */
    bp[BP_SCREEN_INFO + 0x07] = 80;          /* orig_video_cols */
    bp[BP_SCREEN_INFO + 0x0e] = 25;          /* orig_video_lines */
    bp[BP_SCREEN_INFO + 0x0f] = 1;           /* orig_video_isVGA: VGA text */
    st_le16(bp + BP_SCREEN_INFO + 0x10, 16); /* orig_video_points: 8x16 font */
    st_le32(bp + BP_ALT_MEM_K, ext_kb > 0xffffffffu ? 0xffffffffu : ext_kb);

    if (cfg->e820_entries > X86_BOOT_E820_MAX) {
        error_setg(errp, "%u e820 entries: boot_params holds at most %d", cfg->e820_entries,
                   X86_BOOT_E820_MAX);
        return false;
    }
    bp[BP_E820_ENTRIES] = cfg->e820_entries;
    for (unsigned i = 0; i < cfg->e820_entries; i++) {
        uint8_t *e = bp + BP_E820_TABLE + i * 20;
        st_le64(e, cfg->e820[i].addr);
        st_le64(e + 8, cfg->e820[i].size);
        st_le32(e + 16, cfg->e820[i].type);
    }

    /* initrd: page-aligned at the top of RAM, below initrd_addr_max */
    uint64_t initrd_addr = 0;
    if (cfg->initrd_filename) {
        if (!file_load(cfg->initrd_filename, "initrd", BOOT_FILE_MAX, &initrd, &initrd_len, errp)) {
            return false;
        }
        const X86BootE820Entry *top = e820_top_ram_below_4g(cfg);
        uint64_t limit = (uint64_t)ld_le32(kernel + BZ_HDR_INITRD_ADDR_MAX) + 1;
        if (top && top->addr + top->size < limit) {
            limit = top->addr + top->size;
        }
        uint64_t lowest = load + need;
        if (top && top->addr > lowest) {
            lowest = top->addr;
        }
        if (!top || initrd_len > limit || ((limit - initrd_len) & ~0xfffull) < lowest) {
            error_setg(errp,
                       "initrd '%s' (0x%zx bytes) does not fit in guest RAM between the kernel "
                       "(ending at 0x%llx) and 0x%llx: give the guest more memory (-m)",
                       cfg->initrd_filename, initrd_len, (unsigned long long)lowest,
                       (unsigned long long)limit);
            goto out;
        }
        initrd_addr = (limit - initrd_len) & ~0xfffull;
        st_le32(bp + BZ_HDR_RAMDISK_IMAGE, initrd_addr);
        st_le32(bp + BZ_HDR_RAMDISK_SIZE, initrd_len);
    }

    if (!guest_write(as, load, kernel + setup_size, pm_size, "kernel", errp) ||
        !guest_write(as, initrd_addr, initrd, initrd_len, "initrd", errp) ||
        !guest_write(as, X86_BOOT_CMDLINE_ADDR, cmdline, cmdlen + 1, "command line", errp) ||
        !guest_write(as, X86_BOOT_PARAMS_ADDR, bp, sizeof(bp), "boot_params", errp) ||
        !boot_cpu_protected_mode(as, cpu, load, errp)) {
        goto out;
    }
    cpu->env.regs[R_ESI] = X86_BOOT_PARAMS_ADDR;

    if (info) {
        info->multiboot = false;
        info->entry = load;
        info->kernel_addr = load;
        info->kernel_end = load + need;
        info->initrd_addr = initrd_addr;
        info->initrd_size = initrd_len;
        info->protocol = version;
    }
    ok = true;
out:
    free(initrd);
    return ok;
}

/* ------------------------------------------------------------ Multiboot */

/* Offset of a valid Multiboot header in the first 8 KiB, or -1. */
static long multiboot_find_header(const uint8_t *buf, size_t len)
{
    size_t end = len < MB_SEARCH ? len : MB_SEARCH;

    for (size_t off = 0; off + 12 <= end; off += 4) {
        if (ld_le32(buf + off) == MB_MAGIC &&
            (uint32_t)(ld_le32(buf + off) + ld_le32(buf + off + 4) + ld_le32(buf + off + 8)) == 0) {
            return off;
        }
    }
    return -1;
}

/* Does a header carry the magic but a wrong checksum? (for a precise error) */
static bool multiboot_has_bad_header(const uint8_t *buf, size_t len)
{
    size_t end = len < MB_SEARCH ? len : MB_SEARCH;

    for (size_t off = 0; off + 4 <= end; off += 4) {
        if (ld_le32(buf + off) == MB_MAGIC) {
            return true;
        }
    }
    return false;
}

/* The guest loads: (physical address, file bytes, memory size) triples. */
typedef struct MbSegment {
    uint64_t paddr;
    const uint8_t *data;
    uint64_t filesz, memsz;
} MbSegment;

#define MB_MAX_SEGS 32

static bool multiboot_parse_elf(const char *kname, const uint8_t *buf, size_t len, MbSegment *segs,
                                unsigned *nsegs, uint64_t *entry, Error **errp)
{
    bool is64;
    uint64_t phoff, e_entry;
    unsigned phnum, phentsize;

    if (len < sizeof(Elf32_Ehdr) || memcmp(buf, ELFMAG, SELFMAG) != 0) {
        error_setg(errp,
                   "Multiboot kernel '%s' is not an ELF file and its header does not give "
                   "load addresses (flag 16)",
                   kname);
        return false;
    }
    is64 = buf[EI_CLASS] == ELFCLASS64;
    if ((buf[EI_CLASS] != ELFCLASS32 && !is64) || buf[EI_DATA] != ELFDATA2LSB) {
        error_setg(errp, "Multiboot kernel '%s': not a little-endian ELF32/ELF64 file", kname);
        return false;
    }
    if (is64) {
        const Elf64_Ehdr *eh = (const void *)buf;
        if (len < sizeof(*eh)) {
            error_setg(errp, "Multiboot kernel '%s' is truncated (ELF header)", kname);
            return false;
        }
        phoff = eh->e_phoff;
        phnum = eh->e_phnum;
        phentsize = eh->e_phentsize;
        e_entry = eh->e_entry;
        if (eh->e_machine != EM_X86_64 && eh->e_machine != EM_386) {
            goto bad_machine;
        }
    } else {
        const Elf32_Ehdr *eh = (const void *)buf;
        phoff = eh->e_phoff;
        phnum = eh->e_phnum;
        phentsize = eh->e_phentsize;
        e_entry = eh->e_entry;
        if (eh->e_machine != EM_386) {
            goto bad_machine;
        }
    }
    if (phnum == 0 || phentsize < (is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr)) || phoff > len ||
        (uint64_t)phnum * phentsize > len - phoff) {
        error_setg(errp, "Multiboot kernel '%s' is truncated or corrupt (program headers)", kname);
        return false;
    }

    *nsegs = 0;
    *entry = e_entry;
    bool entry_mapped = false;
    for (unsigned i = 0; i < phnum; i++) {
        const uint8_t *ph = buf + phoff + (uint64_t)i * phentsize;
        uint64_t type, offset, vaddr, paddr, filesz, memsz;
        if (is64) {
            const Elf64_Phdr *p = (const void *)ph;
            type = p->p_type, offset = p->p_offset, vaddr = p->p_vaddr, paddr = p->p_paddr;
            filesz = p->p_filesz, memsz = p->p_memsz;
        } else {
            Elf32_Phdr p;
            memcpy(&p, ph, sizeof(p));
            type = p.p_type, offset = p.p_offset, vaddr = p.p_vaddr, paddr = p.p_paddr;
            filesz = p.p_filesz, memsz = p.p_memsz;
        }
        if (type != PT_LOAD || memsz == 0) {
            continue;
        }
        if (offset > len || filesz > len - offset || filesz > memsz) {
            error_setg(errp,
                       "Multiboot kernel '%s' is truncated: segment %u needs file bytes "
                       "0x%llx..0x%llx, the file has 0x%zx",
                       kname, i, (unsigned long long)offset, (unsigned long long)(offset + filesz),
                       len);
            return false;
        }
        if (*nsegs == MB_MAX_SEGS) {
            error_setg(errp, "Multiboot kernel '%s' has more than %d loadable segments", kname,
                       MB_MAX_SEGS);
            return false;
        }
        segs[*nsegs] = (MbSegment){ paddr, buf + offset, filesz, memsz };
        (*nsegs)++;
        /* the entry is virtual; run it at the physical copy of its segment */
        if (!entry_mapped && e_entry >= vaddr && e_entry - vaddr < memsz) {
            *entry = e_entry - vaddr + paddr;
            entry_mapped = true;
        }
    }
    if (*nsegs == 0) {
        error_setg(errp, "Multiboot kernel '%s' has no loadable segment", kname);
        return false;
    }
    return true;

bad_machine:
    error_setg(errp, "Multiboot kernel '%s' is not an x86 ELF file", kname);
    return false;
}

static bool multiboot_load(const X86BootConfig *cfg, AddressSpace *as, X86CPU *cpu,
                           const uint8_t *kernel, size_t klen, long hoff, X86BootInfo *info,
                           Error **errp)
{
    const char *kname = cfg->kernel_filename;
    const uint8_t *h = kernel + hoff;
    uint32_t flags = ld_le32(h + 4);
    MbSegment segs[MB_MAX_SEGS];
    unsigned nsegs = 0;
    uint64_t entry;
    uint8_t *initrd = NULL;
    size_t initrd_len = 0;
    bool ok = false;

    /* bits 0-15 are requirements: refuse what we do not provide */
    uint32_t unknown = flags & 0xffff & ~(MB_FLAG_PAGE_ALIGN | MB_FLAG_MEMINFO | MB_FLAG_VIDEO);
    if (unknown) {
        error_setg(errp, "Multiboot kernel '%s' requires unsupported features (flags 0x%x)", kname,
                   unknown);
        return false;
    }
    if (flags & MB_FLAG_VIDEO) {
        /* a request, not a requirement we can honour: the kernel sees no framebuffer info */
        log_mask_printf(LOG_UNIMP, "multiboot: '%s' asks for a video mode; staying in VGA text\n",
                        kname);
    }

    if (flags & MB_FLAG_AOUT_KLUDGE) {
        if ((size_t)hoff + 32 > klen) {
            error_setg(errp, "Multiboot kernel '%s' is truncated (header)", kname);
            return false;
        }
        uint32_t header_addr = ld_le32(h + 12), load_addr = ld_le32(h + 16);
        uint32_t load_end = ld_le32(h + 20), bss_end = ld_le32(h + 24);
        entry = ld_le32(h + 28);
        if (header_addr < load_addr || header_addr - load_addr > (uint64_t)hoff ||
            (load_end && load_end < load_addr) || (bss_end && load_end && bss_end < load_end)) {
            error_setg(errp, "Multiboot kernel '%s': inconsistent header addresses", kname);
            return false;
        }
        uint64_t file_off = hoff - (header_addr - load_addr);
        uint64_t filesz = load_end ? load_end - load_addr : klen - file_off;
        if (filesz > klen - file_off) {
            error_setg(errp,
                       "Multiboot kernel '%s' is truncated: the header loads 0x%llx bytes "
                       "from file offset 0x%llx, the file has 0x%zx",
                       kname, (unsigned long long)filesz, (unsigned long long)file_off, klen);
            return false;
        }
        uint64_t memsz = bss_end ? bss_end - load_addr : filesz;
        segs[0] = (MbSegment){ load_addr, kernel + file_off, filesz, memsz };
        nsegs = 1;
    } else if (!multiboot_parse_elf(kname, kernel, klen, segs, &nsegs, &entry, errp)) {
        return false;
    }

    /* every segment in RAM, clear of the loader's own low-memory area */
    uint64_t kernel_lo = UINT64_MAX, kernel_hi = 0;
    for (unsigned i = 0; i < nsegs; i++) {
        uint64_t a = segs[i].paddr, n = segs[i].memsz;
        if (a + n > (1ull << 32) || !e820_range_is_ram(cfg, a, n) ||
            (a < X86_BOOT_LOW_END && a + n > X86_BOOT_GDT_ADDR)) {
            error_setg(errp,
                       "Multiboot kernel '%s': segment at 0x%llx..0x%llx is not in free "
                       "guest RAM (RAM size, or it overlaps the loader's area below 0x%x)",
                       kname, (unsigned long long)a, (unsigned long long)(a + n), X86_BOOT_LOW_END);
            return false;
        }
        kernel_lo = a < kernel_lo ? a : kernel_lo;
        kernel_hi = a + n > kernel_hi ? a + n : kernel_hi;
    }
    if (entry < kernel_lo || entry >= kernel_hi) {
        error_setg(errp, "Multiboot kernel '%s': entry point 0x%llx is outside the loaded image",
                   kname, (unsigned long long)entry);
        return false;
    }

    /* the command line: the kernel's name then -append, as GRUB passes it */
    const char *append = cfg->cmdline ? cfg->cmdline : "";
    size_t cmdlen = strlen(kname) + (*append ? 1 + strlen(append) : 0);
    if (cmdlen >= MB_CMDLINE_MAX) {
        error_setg(errp, "kernel command line is %zu bytes; Multiboot boot accepts at most %d",
                   cmdlen, MB_CMDLINE_MAX - 1);
        return false;
    }
    char *cmd = malloc(cmdlen + 1);
    if (!cmd) {
        error_setg(errp, "out of memory");
        return false;
    }
    snprintf(cmd, cmdlen + 1, "%s%s%s", kname, *append ? " " : "", append);

    uint8_t mbi[MBI_SIZE] = { 0 };
    uint32_t mbi_flags = MBI_MEM | MBI_CMDLINE | MBI_MMAP | MBI_LOADER_NAME;
    uint64_t lower = e820_ram_at(cfg, 0) / 1024, upper = e820_ram_at(cfg, 0x100000) / 1024;
    st_le32(mbi + 4, lower > 640 ? 640 : lower);
    st_le32(mbi + 8, upper > 0xffffffffu ? 0xffffffffu : upper);
    st_le32(mbi + 16, X86_BOOT_CMDLINE_ADDR);

    /* the memory map: entries of size (20, not counting itself), base, length, type */
    if (cfg->e820_entries > X86_BOOT_E820_MAX) {
        error_setg(errp, "%u e820 entries: at most %d", cfg->e820_entries, X86_BOOT_E820_MAX);
        goto out;
    }
    uint8_t mmap[X86_BOOT_E820_MAX * 24];
    for (unsigned i = 0; i < cfg->e820_entries; i++) {
        uint8_t *e = mmap + i * 24;
        st_le32(e, 20);
        st_le64(e + 4, cfg->e820[i].addr);
        st_le64(e + 12, cfg->e820[i].size);
        st_le32(e + 20, cfg->e820[i].type);
    }
    st_le32(mbi + 44, cfg->e820_entries * 24);
    st_le32(mbi + 48, MB_MMAP_ADDR);
    st_le32(mbi + 64, MB_NAME_ADDR);

    /* the initrd, as the one module: page-aligned after the kernel */
    uint64_t mod_addr = 0;
    if (cfg->initrd_filename) {
        if (!file_load(cfg->initrd_filename, "initrd", BOOT_FILE_MAX, &initrd, &initrd_len, errp)) {
            goto out;
        }
        size_t slen = strlen(cfg->initrd_filename);
        mod_addr = (kernel_hi + 0xfff) & ~0xfffull;
        if (slen >= MB_CMDLINE_MAX || !e820_range_is_ram(cfg, mod_addr, initrd_len)) {
            error_setg(errp,
                       "initrd '%s' (0x%zx bytes) does not fit in guest RAM after the "
                       "kernel (0x%llx)",
                       cfg->initrd_filename, initrd_len, (unsigned long long)mod_addr);
            goto out;
        }
        uint8_t mod[16] = { 0 };
        st_le32(mod, mod_addr);
        st_le32(mod + 4, mod_addr + initrd_len);
        st_le32(mod + 8, MB_MODSTR_ADDR);
        mbi_flags |= MBI_MODS;
        st_le32(mbi + 20, 1);
        st_le32(mbi + 24, MB_MODS_ADDR);
        if (!guest_write(as, MB_MODS_ADDR, mod, sizeof(mod), "module list", errp) ||
            !guest_write(as, MB_MODSTR_ADDR, cfg->initrd_filename, slen + 1, "module name", errp) ||
            !guest_write(as, mod_addr, initrd, initrd_len, "initrd", errp)) {
            goto out;
        }
    }
    st_le32(mbi, mbi_flags);

    for (unsigned i = 0; i < nsegs; i++) {
        if (!guest_write(as, segs[i].paddr, segs[i].data, segs[i].filesz, "kernel", errp) ||
            !guest_zero(as, segs[i].paddr + segs[i].filesz, segs[i].memsz - segs[i].filesz,
                        "kernel bss", errp)) {
            goto out;
        }
    }
    static const char loader_name[] = "Tern";
    if (!guest_write(as, X86_BOOT_CMDLINE_ADDR, cmd, cmdlen + 1, "command line", errp) ||
        !guest_write(as, MB_MMAP_ADDR, mmap, cfg->e820_entries * 24, "memory map", errp) ||
        !guest_write(as, MB_NAME_ADDR, loader_name, sizeof(loader_name), "loader name", errp) ||
        !guest_write(as, X86_BOOT_PARAMS_ADDR, mbi, sizeof(mbi), "Multiboot info", errp) ||
        !boot_cpu_protected_mode(as, cpu, entry, errp)) {
        goto out;
    }
    cpu->env.regs[R_EAX] = MB_BOOT_MAGIC;
    cpu->env.regs[R_EBX] = X86_BOOT_PARAMS_ADDR;

    if (info) {
        info->multiboot = true;
        info->entry = entry;
        info->kernel_addr = kernel_lo;
        info->kernel_end = kernel_hi;
        info->initrd_addr = mod_addr;
        info->initrd_size = initrd_len;
        info->protocol = 0;
    }
    ok = true;
out:
    free(cmd);
    free(initrd);
    return ok;
}

/* ----------------------------------------------------------------- entry */

bool x86_boot_load(const X86BootConfig *cfg, AddressSpace *as, X86CPU *cpu, X86BootInfo *info,
                   Error **errp)
{
    uint8_t *kernel;
    size_t klen;
    bool ok;
    long mb;

    if (!cfg->kernel_filename) {
        error_setg(errp, "no kernel file given");
        return false;
    }
    if (!file_load(cfg->kernel_filename, "kernel", BOOT_FILE_MAX, &kernel, &klen, errp)) {
        return false;
    }
    if (bzimage_has_header(kernel, klen)) {
        ok = linux_load(cfg, as, cpu, kernel, klen, info, errp);
    } else if ((mb = multiboot_find_header(kernel, klen)) >= 0) {
        ok = multiboot_load(cfg, as, cpu, kernel, klen, mb, info, errp);
    } else if (multiboot_has_bad_header(kernel, klen)) {
        error_setg(errp, "kernel '%s': Multiboot header with a bad checksum", cfg->kernel_filename);
        ok = false;
    } else {
        error_setg(errp,
                   "kernel '%s' is neither a Linux bzImage (no \"HdrS\" setup header) nor a "
                   "Multiboot kernel (no header in its first 8 KiB)",
                   cfg->kernel_filename);
        ok = false;
    }
    free(kernel);
    return ok;
}

bool x86_load_linux(const X86BootConfig *cfg, AddressSpace *as, X86CPU *cpu, Error **errp)
{
    return x86_boot_load(cfg, as, cpu, NULL, errp);
}
