/*
 * Memory system calls: everything that changes the guest's mappings goes
 * through mmap.c so the page table stays the truth (see its overview).
 */
#include <errno.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "exec/cpu-exec.h"
#include "user.h"

static int64_t do_shmat(int id, uint64_t addr, int flags)
{
    struct shmid_ds ds;
    void *want = NULL, *p;
    uint64_t len;

    if (shmctl(id, IPC_STAT, &ds) < 0) {
        return -errno;
    }
    len = TARGET_PAGE_ALIGN(ds.shm_segsz);
    if (addr) {
        if (flags & SHM_RND) {
            addr &= ~(uint64_t)(SHMLBA - 1);
        }
        /* Only where the guest owns the memory or nothing is mapped. */
        if (!page_check_range(addr, len, 0)) {
            int64_t r = target_mmap(addr, len, PROT_NONE,
                                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
            if (r < 0) {
                return -EINVAL;
            }
        }
        want = g2h(addr);
        flags |= SHM_REMAP;
    }
    p = shmat(id, want, flags);
    if (p == (void *)-1) {
        return -errno;
    }
    page_set_flags(h2g(p), h2g(p) + len,
                   PAGE_VALID | PAGE_READ | PAGE_SHARED |
                       ((flags & SHM_RDONLY) ? 0 : PAGE_WRITE) |
                       ((flags & SHM_EXEC) ? PAGE_EXEC : 0));
    return (int64_t)h2g(p);
}

static int64_t do_shmdt(uint64_t addr)
{
    struct shmid_ds ds;
    int id;

    (void)ds;
    (void)id;
    if (shmdt(g2h(addr)) < 0) {
        return -errno;
    }
    /* The segment's size is not known any more: drop the flags of the
     * pages the host no longer has mapped. */
    for (uint64_t p = addr; page_get_flags(p); p += TARGET_PAGE_SIZE) {
        if (msync(g2h(p), TARGET_PAGE_SIZE, MS_ASYNC) < 0 && errno == ENOMEM) {
            page_set_flags(p, p + TARGET_PAGE_SIZE, 0);
        } else {
            break;
        }
    }
    return 0;
}

bool syscall_mem(SyscallArgs *sa, int64_t *ret)
{
    uint64_t *a = sa->a;

    switch (sa->nr) {
    case SYS_mmap:
        *ret = target_mmap(a[0], a[1], (int)a[2], (int)a[3], (int)a[4], (int64_t)a[5]);
        return true;
    case SYS_munmap:
        *ret = target_munmap(a[0], a[1]);
        return true;
    case SYS_mprotect:
        *ret = target_mprotect(a[0], a[1], (int)a[2]);
        return true;
    case SYS_mremap:
        *ret = target_mremap(a[0], a[1], a[2], (int)a[3], a[4]);
        return true;
    case SYS_madvise:
        *ret = target_madvise(a[0], a[1], (int)a[2]);
        return true;
    case SYS_brk:
        *ret = (int64_t)target_brk(a[0]);
        return true;
    case SYS_shmat:
        *ret = do_shmat((int)a[0], a[1], (int)a[2]);
        return true;
    case SYS_shmdt:
        *ret = do_shmdt(a[0]);
        return true;
    case SYS_pkey_mprotect:
    case SYS_pkey_alloc:
    case SYS_pkey_free:
        *ret = -ENOSYS; /* protection keys are not emulated */
        return true;
    }
    return false;
}
