/*
 * Private to softmmu/: the rendered form of an address space, shared by
 * the renderer (flatview.c), the tree code (memory.c), the dispatcher
 * (memory-dispatch.c) and the DMA helpers (physmem.c).
 */
#ifndef SOFTMMU_MEMORY_INTERNAL_H
#define SOFTMMU_MEMORY_INTERNAL_H

#include "exec/memory.h"

/*
 * One piece of one terminal region. Everything a reader without the big
 * lock needs is copied in here, so such a reader never dereferences mr
 * (which only the big lock keeps alive).
 */
typedef struct FlatRange {
    hwaddr start;
    hwaddr last; /* inclusive: a range may end at 2^64 */
    MemoryRegion *mr;
    hwaddr offset_in_region; /* of start */
    MemoryRegionType type;   /* of mr */
    uint8_t *host;           /* reads come from here (RAM, ROM, romd), or NULL */
    ram_addr_t ram_addr;     /* of start, when host */
    bool readonly;           /* guest writes do not go to host */
} FlatRange;

struct FlatView {
    int refcount; /* atomic */
    unsigned nr;
    FlatRange *ranges; /* sorted by start, non-overlapping */
    unsigned nr_blocks;
    RAMBlock **blocks; /* each referenced once */
};

/* Render root (clipped to its size and to 2^64) into a new view with one
 * reference. Big lock held. */
FlatView *flatview_render(MemoryRegion *root);
/* Index of the first range whose last >= addr (nr if none). */
unsigned flatview_find(const FlatView *view, hwaddr addr);
/* The range containing addr, or NULL. */
const FlatRange *flatview_lookup(const FlatView *view, hwaddr addr);
/* Bytes from addr to the end of r (0 stands for 2^64). */
static inline uint64_t flat_range_remaining(const FlatRange *r, hwaddr addr)
{
    return r->last - addr + 1;
}
bool flat_range_equal(const FlatRange *a, const FlatRange *b);

/* The region unassigned addresses resolve to. */
extern MemoryRegion io_mem_unassigned;

/* Effective access sizes of ops (defaults applied). */
unsigned mr_valid_min(const MemoryRegion *mr);
unsigned mr_valid_max(const MemoryRegion *mr);

#endif
