/*
 * Guest RAM: RAM blocks in one global ram_addr space, and per-page dirty
 * flags (DESIGN.md "Dirty tracking").
 *
 * RAM blocks. Every RAM-backed MemoryRegion (RAM, ROM, ROM device) owns one
 * RAMBlock: one host mmap of max_length bytes, placed at a page-aligned
 * `offset` in a global "ram_addr" space that exists only to index the dirty
 * flags and to name guest RAM independently of where the guest maps it
 * (migration sends blocks by name and offset). Blocks are created and
 * destroyed under the big lock; the list can be walked by the main thread
 * (or any thread holding the big lock) with ram_block_foreach().
 * Lookups (by name, by ram_addr, by host pointer) are thread-safe (a short
 * internal mutex); what they return stays valid while the block lives.
 *
 * Dirty flags. Every page (RAM_PAGE_SIZE) of the ram_addr space has a byte
 * of flags, one bit per client:
 *   DIRTY_MEMORY_VGA       0x01  cleared by the display: the page must be redrawn
 *   DIRTY_MEMORY_CODE      0x02  cleared when code on the page is translated:
 *                                set means "no TB derived from this page"
 *   (0x04 reserved, always reads as 0)
 *   DIRTY_MEMORY_MIGRATION 0x08  cleared by the migration RAM iterator: the
 *                                page must be (re)sent
 * Underneath, each client is a bitmap over the whole ram_addr space
 * (reserved once with MAP_NORESERVE, so it never moves and readers need no
 * lock); bits are set and cleared with atomic operations, so vCPU threads,
 * DMA and the migration thread may use these functions concurrently.
 * A new block starts all dirty (every flag set).
 *
 * Hooks, filled in by the accel layer (NULL = nothing to do):
 *  - ram_code_write_hook(start, len): called BEFORE a write through the
 *    memory API (address_space_write, DMA unmap, ram_block_notify_write)
 *    lands on pages whose DIRTY_MEMORY_CODE flag was clear, so that
 *    translated code derived from them is invalidated. Afterwards the flags
 *    of every written page are all set.
 *  - ram_dirty_cleared_hook(start, len): called AFTER any function below
 *    cleared at least one flag in [start, start+len), so every CPU's TLB
 *    re-arms TLB_NOTDIRTY for those pages. Called without any lock of ours
 *    held (possibly with the big lock held by the caller).
 */
#ifndef EXEC_RAM_H
#define EXEC_RAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

typedef uint64_t ram_addr_t;
#define RAM_ADDR_INVALID ((ram_addr_t)-1)

/* The dirty-tracking granule: one guest page. */
#define RAM_PAGE_BITS 12
#define RAM_PAGE_SIZE ((ram_addr_t)1 << RAM_PAGE_BITS)
#define RAM_PAGE_MASK (~(RAM_PAGE_SIZE - 1))

/* The ram_addr space is [0, RAM_ADDR_SPACE_SIZE): at most 1 TiB of RAM. */
#define RAM_ADDR_SPACE_BITS 40
#define RAM_ADDR_SPACE_SIZE ((ram_addr_t)1 << RAM_ADDR_SPACE_BITS)

#define DIRTY_MEMORY_VGA       0x01
#define DIRTY_MEMORY_CODE      0x02
#define DIRTY_MEMORY_RESERVED  0x04
#define DIRTY_MEMORY_MIGRATION 0x08
/* every client flag: a page with all of these set needs no TLB_NOTDIRTY */
#define DIRTY_MEMORY_ALL       (DIRTY_MEMORY_VGA | DIRTY_MEMORY_CODE | DIRTY_MEMORY_MIGRATION)

typedef struct MemoryRegion MemoryRegion;
typedef struct RAMBlock RAMBlock;

struct RAMBlock {
    char name[64];          /* unique (the region name, "#2"... if taken); migration uses it */
    uint8_t *host;          /* host mapping of max_length bytes */
    ram_addr_t offset;      /* start in the ram_addr space (page aligned) */
    ram_addr_t used_length; /* bytes the guest sees (== the region's size) */
    ram_addr_t max_length;  /* bytes mapped (page rounded) */
    MemoryRegion *mr;       /* the region this block backs (NULL once destroyed) */
    int refcount;           /* owner + FlatViews + DMA mappings; atomic */
    RAMBlock *next;         /* list, sorted by offset */
};

/*
 * Create a block of size bytes (rounded up to a page) for mr; the host
 * memory is zeroed (anonymous mmap). If name is taken by a live block the
 * new one is called "name#2", "name#3"... (stable for a machine built in the
 * same order, which is what migration needs). NULL and an error if the
 * ram_addr space or the host is out of memory. Big lock held (or
 * single-threaded setup). All flags of the new pages are set.
 */
RAMBlock *ram_block_new(const char *name, ram_addr_t size, MemoryRegion *mr, Error **errp);
/* Drop the owner's reference: the block leaves the list at once, its host
 * memory is unmapped when the last reference (FlatView, DMA map) goes. */
void ram_block_free(RAMBlock *rb);
void ram_block_ref(RAMBlock *rb);
void ram_block_unref(RAMBlock *rb);

/* Walk the live blocks in ram_addr order (big lock held). Stops early and
 * returns non-zero if fn does. */
int ram_block_foreach(int (*fn)(RAMBlock *rb, void *opaque), void *opaque);
RAMBlock *ram_block_by_name(const char *name);
/* The block containing ram_addr (NULL if none). */
RAMBlock *ram_block_from_ram_addr(ram_addr_t addr);
/* The block whose host mapping contains ptr; *offset = ptr - host. */
RAMBlock *ram_block_from_host(const void *ptr, ram_addr_t *offset);
/* Host pointer for ram_addr, NULL if it is not in any block. */
void *ram_addr_to_host(ram_addr_t addr);
/* Total used_length of all blocks. */
ram_addr_t ram_bytes_total(void);

/* --- dirty flags (page granular; ranges cover every page they touch) --- */

/* Flags byte of the page containing addr (0 outside every block). */
uint8_t cpu_physical_memory_get_dirty_flags(ram_addr_t addr);
/* True if every page of [start, start+len) has every flag of mask set. */
bool cpu_physical_memory_all_dirty(ram_addr_t start, ram_addr_t len, uint8_t mask);
/* True if any page of [start, start+len) has any flag of mask set. */
bool cpu_physical_memory_get_dirty(ram_addr_t start, ram_addr_t len, uint8_t mask);
/* Set flags mask on the pages of [start, start+len). No hook is called. */
void cpu_physical_memory_set_dirty_range(ram_addr_t start, ram_addr_t len, uint8_t mask);
/* Set mask on every page of every block (migration start). */
void cpu_physical_memory_set_dirty_flag_all(uint8_t mask);
/*
 * Clear mask on the pages of [start, start+len); true if any of those
 * flags was set before. Calls ram_dirty_cleared_hook if anything was
 * cleared.
 */
bool cpu_physical_memory_test_and_clear_dirty(ram_addr_t start, ram_addr_t len, uint8_t mask);
/* Clear mask on the pages of the range (test_and_clear without the answer). */
void cpu_physical_memory_clear_dirty_range(ram_addr_t start, ram_addr_t len, uint8_t mask);
/*
 * The first page address >= start (rounded down to a page) and < end whose
 * flags include any of mask, or end if there is none. Scans a word of the
 * bitmap (64 pages) at a time.
 */
ram_addr_t cpu_physical_memory_find_next_dirty(ram_addr_t start, ram_addr_t end, uint8_t mask);
/* Number of pages of [start, start+len) with any flag of mask set. */
uint64_t cpu_physical_memory_count_dirty(ram_addr_t start, ram_addr_t len, uint8_t mask);

/*
 * A write of [start, start+len) is about to land (or just landed) in RAM
 * through the memory API: call ram_code_write_hook if a page's CODE flag is
 * clear, then set all flags. address_space_write and DMA unmap call it;
 * callers writing through a host pointer they got from the API
 * (memory_region_get_ram_ptr) call it themselves.
 */
void ram_block_notify_write(ram_addr_t start, ram_addr_t len);

/* The hooks described at the top. Set once at startup by the accel layer. */
extern void (*ram_code_write_hook)(ram_addr_t start, ram_addr_t len);
extern void (*ram_dirty_cleared_hook)(ram_addr_t start, ram_addr_t len);

#endif
