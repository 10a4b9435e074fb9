/*
 * The ELF loader of linux-user: maps an x86-64 ELF program (static
 * ET_EXEC or PIE ET_DYN) and its PT_INTERP interpreter into guest memory
 * the way the Linux kernel's binfmt_elf does, and builds the initial
 * stack: argc, argv, envp, the auxiliary vector and the strings they
 * point to, with rsp 16-byte aligned at argc.
 *
 * Every check happens before anything is mapped for the part it guards;
 * a malformed file gives a one-line reason, never a crash.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exec/cpu-exec.h"
#include "user.h"

#define ELF_MAX_PHNUM 512
/* Where a PIE program goes (where Linux puts it without ASLR); its brk
 * follows it. Only a hint: if it is taken the host picks. */
#define PIE_LOAD_HINT 0x555555554000ull

#define STACK_GUARD_GAP (256 * TARGET_PAGE_SIZE)

#ifndef AT_MINSIGSTKSZ
#define AT_MINSIGSTKSZ 51
#endif
/* fxsave-format signal frames need well under this */
#define USER_MINSIGSTKSZ 2048

typedef struct ElfImage {
    int fd;
    off_t file_size;
    Elf64_Ehdr eh;
    Elf64_Phdr *ph;
    /* results */
    uint64_t bias, lo, hi;   /* hi: end of the highest segment (memsz) */
    uint64_t entry, phdr;
    uint64_t end_code, start_data, end_data;
    char *interp;
    bool exec_stack;
} ElfImage;

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

int user_open_sysroot(const char *sysroot, const char *path, int flags, int mode)
{
    if (sysroot && path[0] == '/') {
        char buf[4096];
        int fd;
        if ((size_t)snprintf(buf, sizeof(buf), "%s%s", sysroot, path) < sizeof(buf)) {
            fd = open(buf, flags, mode);
            if (fd >= 0) {
                return fd;
            }
        }
    }
    {
        int fd = open(path, flags, mode);
        return fd < 0 ? -errno : fd;
    }
}

static bool read_at(int fd, void *buf, size_t len, off_t off)
{
    size_t done = 0;

    while (done < len) {
        ssize_t n = pread(fd, (char *)buf + done, len - done, off + done);
        if (n <= 0) {
            return false;
        }
        done += n;
    }
    return true;
}

/* Read and check the ELF and program headers. */
static int elf_check(ElfImage *im, const char *name, char *err, size_t errlen)
{
    struct stat st;
    const unsigned char *id = im->eh.e_ident;
    size_t phsize;
    int nload = 0;

    if (fstat(im->fd, &st) < 0) {
        return fail(err, errlen, "%s: %s", name, strerror(errno));
    }
    if (!S_ISREG(st.st_mode)) {
        return fail(err, errlen, "%s: not a regular file", name);
    }
    im->file_size = st.st_size;
    if (st.st_size < SELFMAG || !read_at(im->fd, &im->eh, SELFMAG, 0) ||
        memcmp(id, ELFMAG, SELFMAG) != 0) {
        return fail(err, errlen, "%s: not an ELF file", name);
    }
    if (!read_at(im->fd, &im->eh, st.st_size < (off_t)sizeof(im->eh) ? (size_t)st.st_size :
                 sizeof(im->eh), 0)) {
        return fail(err, errlen, "%s: cannot read the ELF header", name);
    }
    if (st.st_size <= EI_CLASS || (id[EI_CLASS] == ELFCLASS64 &&
                                   (size_t)st.st_size < sizeof(Elf64_Ehdr))) {
        return fail(err, errlen, "%s: truncated ELF file", name);
    }
    if (id[EI_CLASS] != ELFCLASS64) {
        return fail(err, errlen, "%s: not a 64-bit ELF file (wrong architecture)", name);
    }
    if (id[EI_DATA] != ELFDATA2LSB) {
        return fail(err, errlen, "%s: not a little-endian ELF file", name);
    }
    if (id[EI_VERSION] != EV_CURRENT) {
        return fail(err, errlen, "%s: unknown ELF version", name);
    }
    if (im->eh.e_machine != EM_X86_64) {
        return fail(err, errlen, "%s: wrong architecture (ELF machine %u, not x86-64)", name,
                    im->eh.e_machine);
    }
    if (im->eh.e_type != ET_EXEC && im->eh.e_type != ET_DYN) {
        return fail(err, errlen, "%s: not an executable (ELF type %u)", name, im->eh.e_type);
    }
    if (im->eh.e_phentsize != sizeof(Elf64_Phdr) || im->eh.e_phnum == 0 ||
        im->eh.e_phnum > ELF_MAX_PHNUM) {
        return fail(err, errlen, "%s: bad program header table", name);
    }
    phsize = (size_t)im->eh.e_phnum * sizeof(Elf64_Phdr);
    if (im->eh.e_phoff > (uint64_t)st.st_size || phsize > (uint64_t)st.st_size - im->eh.e_phoff) {
        return fail(err, errlen, "%s: truncated ELF file (program headers)", name);
    }
    im->ph = malloc(phsize);
    if (!im->ph || !read_at(im->fd, im->ph, phsize, im->eh.e_phoff)) {
        return fail(err, errlen, "%s: cannot read program headers", name);
    }
    im->lo = UINT64_MAX;
    im->hi = 0;
    for (int i = 0; i < im->eh.e_phnum; i++) {
        Elf64_Phdr *p = &im->ph[i];
        if (p->p_type == PT_LOAD) {
            if (p->p_memsz == 0) {
                continue;
            }
            if (p->p_filesz > p->p_memsz || p->p_offset > (uint64_t)st.st_size ||
                p->p_filesz > (uint64_t)st.st_size - p->p_offset) {
                return fail(err, errlen, "%s: truncated ELF file (segment %d)", name, i);
            }
            if ((p->p_vaddr & (TARGET_PAGE_SIZE - 1)) != (p->p_offset & (TARGET_PAGE_SIZE - 1))) {
                return fail(err, errlen, "%s: misaligned segment %d", name, i);
            }
            if (p->p_vaddr >= USER_ADDR_LIMIT || p->p_memsz > USER_ADDR_LIMIT - p->p_vaddr) {
                return fail(err, errlen, "%s: segment %d outside the address space", name, i);
            }
            if ((p->p_vaddr & TARGET_PAGE_MASK) < im->lo) {
                im->lo = p->p_vaddr & TARGET_PAGE_MASK;
            }
            if (p->p_vaddr + p->p_memsz > im->hi) {
                im->hi = p->p_vaddr + p->p_memsz;
            }
            nload++;
        } else if (p->p_type == PT_INTERP) {
            if (p->p_filesz < 2 || p->p_filesz > 4096 || p->p_offset > (uint64_t)st.st_size ||
                p->p_filesz > (uint64_t)st.st_size - p->p_offset) {
                return fail(err, errlen, "%s: bad PT_INTERP", name);
            }
            free(im->interp);
            im->interp = calloc(1, p->p_filesz + 1);
            if (!im->interp || !read_at(im->fd, im->interp, p->p_filesz, p->p_offset) ||
                im->interp[p->p_filesz - 1] != 0) {
                return fail(err, errlen, "%s: bad PT_INTERP", name);
            }
        } else if (p->p_type == PT_GNU_STACK) {
            im->exec_stack = p->p_flags & PF_X;
        }
    }
    if (nload == 0) {
        return fail(err, errlen, "%s: no loadable segments", name);
    }
    return 0;
}

static int prot_of(uint32_t pflags)
{
    return (pflags & PF_R ? PROT_READ : 0) | (pflags & PF_W ? PROT_WRITE : 0) |
           (pflags & PF_X ? PROT_EXEC : 0);
}

/* Map the PT_LOAD segments; want_base is a hint for ET_DYN (0: any). */
static int elf_map(ElfImage *im, const char *name, uint64_t want_base, char *err, size_t errlen)
{
    uint64_t align = TARGET_PAGE_SIZE;
    uint64_t span = TARGET_PAGE_ALIGN(im->hi) - im->lo;
    int64_t r;

    for (int i = 0; i < im->eh.e_phnum; i++) {
        if (im->ph[i].p_type == PT_LOAD && im->ph[i].p_align > align &&
            !(im->ph[i].p_align & (im->ph[i].p_align - 1)) && im->ph[i].p_align <= (1u << 30)) {
            align = im->ph[i].p_align;
        }
    }
    /* Reserve the whole span first so segments land contiguously and
     * nothing else can slip between them. */
    if (im->eh.e_type == ET_EXEC) {
        r = target_mmap(im->lo, span, PROT_NONE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
        im->bias = 0;
        if (r < 0) {
            return fail(err, errlen, "%s: cannot map at 0x%llx: %s", name,
                        (unsigned long long)im->lo, strerror((int)-r));
        }
    } else {
        uint64_t start;
        r = target_mmap(want_base, span + align - TARGET_PAGE_SIZE, PROT_NONE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (r < 0) {
            return fail(err, errlen, "%s: cannot reserve memory: %s", name, strerror((int)-r));
        }
        start = ((uint64_t)r + align - 1) & ~(align - 1);
        if (start > (uint64_t)r) {
            target_munmap(r, start - r);
        }
        if ((uint64_t)r + span + align - TARGET_PAGE_SIZE > start + span) {
            target_munmap(start + span, (uint64_t)r + span + align - TARGET_PAGE_SIZE - start - span);
        }
        im->bias = start - im->lo;
    }

    im->end_code = 0;
    im->start_data = UINT64_MAX;
    im->end_data = 0;
    for (int i = 0; i < im->eh.e_phnum; i++) {
        Elf64_Phdr *p = &im->ph[i];
        uint64_t vaddr, page, pgoff, file_end, mem_end, zero_end;
        int prot;

        if (p->p_type != PT_LOAD || p->p_memsz == 0) {
            continue;
        }
        prot = prot_of(p->p_flags);
        vaddr = p->p_vaddr + im->bias;
        page = vaddr & TARGET_PAGE_MASK;
        pgoff = vaddr - page;
        file_end = vaddr + p->p_filesz;
        mem_end = vaddr + p->p_memsz;
        /* The bss part of the last file page must read as zero: map that
         * page writable while we clear it. */
        zero_end = TARGET_PAGE_ALIGN(file_end);
        if (zero_end > mem_end) {
            zero_end = mem_end;
        }
        if (p->p_filesz) {
            bool clear = mem_end > file_end && (file_end & (TARGET_PAGE_SIZE - 1));
            r = target_mmap(page, pgoff + p->p_filesz, clear ? prot | PROT_WRITE : prot,
                            MAP_PRIVATE | MAP_FIXED, im->fd, p->p_offset - pgoff);
            if (r < 0) {
                return fail(err, errlen, "%s: cannot map segment %d: %s", name, i,
                            strerror((int)-r));
            }
            if (clear) {
                memset(g2h(file_end), 0, TARGET_PAGE_ALIGN(file_end) - file_end);
                if (!(prot & PROT_WRITE)) {
                    target_mprotect(page, pgoff + p->p_filesz, prot);
                }
            }
        }
        if (TARGET_PAGE_ALIGN(mem_end) > TARGET_PAGE_ALIGN(file_end)) {
            uint64_t s = p->p_filesz ? TARGET_PAGE_ALIGN(file_end) : page;
            r = target_mmap(s, TARGET_PAGE_ALIGN(mem_end) - s, prot,
                            MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
            if (r < 0) {
                return fail(err, errlen, "%s: cannot map bss of segment %d: %s", name, i,
                            strerror((int)-r));
            }
        }
        if (p->p_flags & PF_X) {
            if (mem_end > im->end_code) {
                im->end_code = mem_end;
            }
        } else if (p->p_flags & PF_W) {
            if (vaddr < im->start_data) {
                im->start_data = vaddr;
            }
            if (file_end > im->end_data) {
                im->end_data = file_end;
            }
        }
        /* The program headers as the program will find them. */
        if (!im->phdr && im->eh.e_phoff >= p->p_offset &&
            im->eh.e_phoff - p->p_offset < p->p_filesz) {
            im->phdr = vaddr + (im->eh.e_phoff - p->p_offset);
        }
    }
    for (int i = 0; i < im->eh.e_phnum; i++) {
        if (im->ph[i].p_type == PT_PHDR) {
            im->phdr = im->ph[i].p_vaddr + im->bias;
        }
    }
    if (im->start_data == UINT64_MAX) {
        im->start_data = im->end_data = im->end_code;
    }
    im->entry = im->eh.e_entry + im->bias;
    return 0;
}

static void elf_free(ElfImage *im)
{
    if (im->fd >= 0) {
        close(im->fd);
    }
    free(im->ph);
    free(im->interp);
}

/* Stack builder: strings go down from the top, then the vectors. */
typedef struct StackBuilder {
    uint64_t sp, limit;
} StackBuilder;

static uint64_t push_bytes(StackBuilder *sb, const void *data, size_t len)
{
    if (sb->sp - sb->limit < len + 256) {
        return 0;
    }
    sb->sp -= len;
    memcpy(g2h(sb->sp), data, len);
    return sb->sp;
}

static uint64_t push_str(StackBuilder *sb, const char *s)
{
    return push_bytes(sb, s, strlen(s) + 1);
}

int elf_load_program(const LoadParams *lp, ImageInfo *info, char *err, size_t errlen)
{
    ElfImage prog = { .fd = -1 }, interp = { .fd = -1 };
    StackBuilder sb;
    uint64_t *argv_addr = NULL, *envp_addr = NULL;
    uint64_t random_addr, platform_addr, execfn_addr, items, *vec;
    int envc = 0, ret = -1, n;
    int64_t stack;
    uint8_t rnd[16];
    uint64_t stack_size = lp->stack_size ? lp->stack_size : 8 << 20;

    memset(info, 0, sizeof(*info));
    prog.fd = open(lp->path, O_RDONLY | O_CLOEXEC);
    if (prog.fd < 0) {
        fail(err, errlen, "%s: %s", lp->path, strerror(errno));
        goto out;
    }
    if (elf_check(&prog, lp->path, err, errlen) < 0 ||
        elf_map(&prog, lp->path, PIE_LOAD_HINT, err, errlen) < 0) {
        goto out;
    }
    info->load_bias = prog.bias;
    info->entry = prog.entry;
    info->start_code = prog.lo + prog.bias;
    info->end_code = prog.end_code;
    info->start_data = prog.start_data;
    info->end_data = prog.end_data;
    info->start_brk = TARGET_PAGE_ALIGN(prog.hi + prog.bias);
    info->phdr = prog.phdr;
    info->phnum = prog.eh.e_phnum;
    info->phent = sizeof(Elf64_Phdr);
    info->exec_stack = prog.exec_stack;
    info->start_pc = prog.entry;

    if (prog.interp) {
        int fd = user_open_sysroot(lp->sysroot, prog.interp, O_RDONLY | O_CLOEXEC, 0);
        if (fd < 0) {
            fail(err, errlen, "%s: interpreter %s: %s", lp->path, prog.interp, strerror(-fd));
            goto out;
        }
        interp.fd = fd;
        if (elf_check(&interp, prog.interp, err, errlen) < 0) {
            goto out;
        }
        if (interp.eh.e_type != ET_DYN && interp.eh.e_type != ET_EXEC) {
            fail(err, errlen, "%s: bad interpreter type", prog.interp);
            goto out;
        }
        if (elf_map(&interp, prog.interp, 0, err, errlen) < 0) {
            goto out;
        }
        info->interp_base = interp.lo + interp.bias;
        info->start_pc = interp.entry;
    }

    /* The stack, with a guard gap below it like the kernel's (256 pages):
     * kept PROT_NONE on the host and not the guest's, so an overflow is
     * a SEGV_MAPERR there rather than a write into whatever the host put
     * next to the stack. */
    stack = target_mmap(0, stack_size + STACK_GUARD_GAP,
                        PROT_READ | PROT_WRITE | (info->exec_stack ? PROT_EXEC : 0),
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
    if (stack < 0) {
        fail(err, errlen, "cannot allocate the stack: %s", strerror((int)-stack));
        goto out;
    }
    mprotect(g2h(stack), STACK_GUARD_GAP, PROT_NONE);
    page_set_flags(stack, stack + STACK_GUARD_GAP, 0);
    stack += STACK_GUARD_GAP;
    info->stack_limit = stack;
    info->stack_top = stack + stack_size;
    mmap_set_stack_range(stack, stack + stack_size);
    sb.sp = info->stack_top - 8; /* the kernel leaves a NULL word at the very top */
    sb.limit = stack;

    while (lp->envp && lp->envp[envc]) {
        envc++;
    }
    argv_addr = calloc(lp->argc + 1, sizeof(uint64_t));
    envp_addr = calloc(envc + 1, sizeof(uint64_t));
    if (!argv_addr || !envp_addr) {
        fail(err, errlen, "out of memory");
        goto out;
    }
    execfn_addr = push_str(&sb, lp->path);
    for (int i = envc - 1; i >= 0; i--) {
        envp_addr[i] = push_str(&sb, lp->envp[i]);
    }
    for (int i = lp->argc - 1; i >= 0; i--) {
        argv_addr[i] = push_str(&sb, lp->argv[i]);
    }
    platform_addr = push_str(&sb, "x86_64");
    if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd)) {
        /* getrandom only fails without entropy support; any bytes will
         * do for a stack protector canary then. */
        for (size_t i = 0; i < sizeof(rnd); i++) {
            rnd[i] = (uint8_t)(rand() >> 7);
        }
    }
    sb.sp &= ~15ull;
    random_addr = push_bytes(&sb, rnd, sizeof(rnd));
    if (!execfn_addr || !platform_addr || !random_addr) {
        fail(err, errlen, "arguments and environment too large for the stack");
        goto out;
    }
    info->execfn = execfn_addr;

    /* argc, argv..., NULL, envp..., NULL, auxv pairs, AT_NULL pair */
    {
        uint64_t auxv[][2] = {
            { AT_HWCAP, lp->hwcap },
            { AT_PAGESZ, TARGET_PAGE_SIZE },
            { AT_CLKTCK, 100 },
            { AT_PHDR, info->phdr },
            { AT_PHENT, info->phent },
            { AT_PHNUM, info->phnum },
            { AT_BASE, info->interp_base },
            { AT_FLAGS, 0 },
            { AT_ENTRY, info->entry },
            { AT_UID, getuid() },
            { AT_EUID, geteuid() },
            { AT_GID, getgid() },
            { AT_EGID, getegid() },
            { AT_SECURE, 0 },
            { AT_RANDOM, random_addr },
            { AT_HWCAP2, 0 },
            { AT_EXECFN, execfn_addr },
            { AT_PLATFORM, platform_addr },
            { AT_MINSIGSTKSZ, USER_MINSIGSTKSZ },
            { AT_NULL, 0 },
        };
        n = sizeof(auxv) / sizeof(auxv[0]);
        items = 1 + (lp->argc + 1) + (envc + 1) + 2 * n;
        if (sb.sp - sb.limit < items * 8 + 256) {
            fail(err, errlen, "arguments and environment too large for the stack");
            goto out;
        }
        sb.sp = (sb.sp - items * 8) & ~15ull;
        vec = g2h(sb.sp);
        *vec++ = lp->argc;
        for (int i = 0; i < lp->argc; i++) {
            *vec++ = argv_addr[i];
        }
        *vec++ = 0;
        for (int i = 0; i < envc; i++) {
            *vec++ = envp_addr[i];
        }
        *vec++ = 0;
        memcpy(vec, auxv, sizeof(auxv));
        _Static_assert(sizeof(auxv) <= sizeof(info->saved_auxv), "saved_auxv too small");
        memcpy(info->saved_auxv, auxv, sizeof(auxv));
        info->auxv_bytes = sizeof(auxv);
    }
    /* the strings were pushed downwards: argv's, then envp's, above */
    info->arg_start = lp->argc ? argv_addr[0] : execfn_addr;
    info->arg_end = lp->argc ? argv_addr[lp->argc - 1] + strlen(lp->argv[lp->argc - 1]) + 1
                             : info->arg_start;
    info->env_start = envc ? envp_addr[0] : info->arg_end;
    info->env_end = envc ? envp_addr[envc - 1] + strlen(lp->envp[envc - 1]) + 1 : info->env_start;
    info->start_stack = sb.sp;
    ret = 0;
out:
    free(argv_addr);
    free(envp_addr);
    elf_free(&prog);
    elf_free(&interp);
    return ret;
}
