/*
 * linux-user's view of guest pages, as the execution loop needs it.
 * Implemented in linux-user/mmap.c.
 *
 * Self-modifying code: when accel/tcg first translates code from a guest
 * page it calls page_protect(); linux-user then keeps the host page
 * read-only (whatever the guest asked for). A guest write to it faults;
 * the SIGSEGV handler calls page_unprotect(), which invalidates the TBs
 * of that page (tb_invalidate_phys_range) and restores the guest's own
 * protection, and the write is retried.
 *
 * That cannot catch writes through a second mapping of the same memory
 * (PAGE_SHARED pages): TBs from those verify their guest bytes against a
 * copy when entered instead (docs/linux-user.md).
 */
#ifndef USER_PAGE_H
#define USER_PAGE_H

#include <stdbool.h>
#include <stdint.h>

#define TARGET_PAGE_BITS 12
#define TARGET_PAGE_SIZE (1ull << TARGET_PAGE_BITS)
#define TARGET_PAGE_MASK (~(TARGET_PAGE_SIZE - 1))

/* page flags kept by linux-user for every guest page */
#define PAGE_READ 0x01
#define PAGE_WRITE 0x02
#define PAGE_EXEC 0x04
#define PAGE_VALID 0x08
#define PAGE_WRITE_ORG 0x10 /* the guest asked for write; we removed it */
/* MAP_SHARED or System V shm: the bytes may change through another mapping
 * (or process) that write protection here cannot see, so accel/tcg makes
 * TBs translated from such a page check their code at every entry. */
#define PAGE_SHARED 0x40

/* Flags of the page holding addr (0 when unmapped). */
int page_get_flags(uint64_t addr);
/* Mark the page holding addr as containing translated code. */
void page_protect(uint64_t addr);
/* A write to addr faulted: if its page was protected for translated code,
 * invalidate that code, make it writable again and return true. */
bool page_unprotect(uint64_t addr);
/* Whether [addr, addr+len) is mapped with all the flags asked. */
bool page_check_range(uint64_t addr, uint64_t len, int flags);

#endif
