/*
 * Rendering a region tree into a FlatView, and looking addresses up in it.
 *
 * The renderer walks the tree front to back: the subregions of a region
 * in list order (highest priority first, the most recently added first
 * among equals), then the region itself. Each terminal region only fills
 * the parts of its clipped range that nothing rendered before it covers;
 * so whatever is rendered first wins, which gives the priority rules of
 * exec/memory.h. A container renders nothing itself, so its holes let
 * lower-priority siblings show through. Addresses are computed in 128-bit
 * signed arithmetic: an alias shifts its target by -alias_offset, which
 * may go below 0, and a range may end at 2^64.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "memory-internal.h"

typedef __int128 i128;

typedef struct BuildRange {
    i128 start, end; /* [start, end) */
    MemoryRegion *mr;
    i128 base; /* address of mr's offset 0 */
    bool readonly;
} BuildRange;

typedef struct Builder {
    BuildRange *r;
    unsigned nr, alloc;
} Builder;

static const i128 SPACE_END = (i128)1 << 64;

static i128 mr_size128(const MemoryRegion *mr)
{
    return mr->size == UINT64_MAX ? SPACE_END : (i128)mr->size;
}

static void builder_insert(Builder *b, unsigned at, BuildRange br)
{
    if (b->nr == b->alloc) {
        b->alloc = b->alloc ? b->alloc * 2 : 16;
        b->r = realloc(b->r, b->alloc * sizeof(*b->r));
        if (!b->r) {
            abort(); /* host out of memory: nothing sensible left to do */
        }
    }
    memmove(&b->r[at + 1], &b->r[at], (b->nr - at) * sizeof(*b->r));
    b->r[at] = br;
    b->nr++;
}

/* Add mr over the parts of [lo, hi) no range covers yet. */
static void fill_holes(Builder *b, MemoryRegion *mr, i128 base, i128 lo, i128 hi, bool readonly)
{
    unsigned i = 0;
    /* ranges are sorted; skip those ending at or before lo */
    unsigned l = 0, h = b->nr;
    while (l < h) {
        unsigned m = (l + h) / 2;
        if (b->r[m].end <= lo) {
            l = m + 1;
        } else {
            h = m;
        }
    }
    i = l;
    i128 cur = lo;
    while (cur < hi && i < b->nr && b->r[i].start < hi) {
        if (b->r[i].start > cur) {
            BuildRange br = { cur, b->r[i].start, mr, base, readonly };
            builder_insert(b, i, br);
            i++;
        }
        if (b->r[i].end > cur) {
            cur = b->r[i].end;
        }
        i++;
    }
    if (cur < hi) {
        BuildRange br = { cur, hi, mr, base, readonly };
        builder_insert(b, i, br);
    }
}

static void render(Builder *b, MemoryRegion *mr, i128 base, i128 clip_lo, i128 clip_hi,
                   bool readonly, int depth)
{
    if (!mr->enabled || depth > 64) {
        /* depth: an alias cycle is a programming error; do not recurse forever */
        return;
    }
    i128 lo = base > clip_lo ? base : clip_lo;
    i128 end = base + mr_size128(mr);
    i128 hi = end < clip_hi ? end : clip_hi;
    if (lo >= hi) {
        return;
    }
    readonly |= mr->readonly;
    if (mr->type == MR_ALIAS) {
        render(b, mr->alias, base - (i128)mr->alias_offset, lo, hi, readonly, depth + 1);
        return;
    }
    for (MemoryRegion *sub = mr->subregions; sub; sub = sub->sub_next) {
        render(b, sub, base + (i128)sub->addr, lo, hi, readonly, depth + 1);
    }
    if (mr->type != MR_CONTAINER) {
        fill_holes(b, mr, base, lo, hi, readonly);
    }
}

static void view_add_block(FlatView *v, RAMBlock *rb)
{
    for (unsigned i = 0; i < v->nr_blocks; i++) {
        if (v->blocks[i] == rb) {
            return;
        }
    }
    RAMBlock **nb = realloc(v->blocks, (v->nr_blocks + 1) * sizeof(*nb));
    if (!nb) {
        abort();
    }
    v->blocks = nb;
    v->blocks[v->nr_blocks++] = rb;
    ram_block_ref(rb);
}

static void flat_range_fill(FlatRange *fr, const BuildRange *br)
{
    MemoryRegion *mr = br->mr;
    memset(fr, 0, sizeof(*fr));
    fr->start = (hwaddr)br->start;
    fr->last = (hwaddr)(br->end - 1);
    fr->mr = mr;
    fr->offset_in_region = (hwaddr)(br->start - br->base);
    fr->type = mr->type;
    fr->readonly = br->readonly;
    switch (mr->type) {
    case MR_RAM:
        break;
    case MR_ROM:
        fr->readonly = true;
        break;
    case MR_ROM_DEVICE:
        /* writes always go to ops */
        fr->readonly = true;
        if (!mr->romd_mode) {
            return;
        }
        break;
    default:
        return;
    }
    fr->host = mr->ram_block->host + fr->offset_in_region;
    fr->ram_addr = mr->ram_block->offset + fr->offset_in_region;
}

FlatView *flatview_render(MemoryRegion *root)
{
    Builder b = { 0 };
    FlatView *v = calloc(1, sizeof(*v));
    if (!v) {
        abort();
    }
    v->refcount = 1;
    if (root) {
        render(&b, root, 0, 0, SPACE_END, false, 0);
    }
    /* merge neighbours that continue the same region the same way */
    unsigned n = 0;
    for (unsigned i = 0; i < b.nr; i++) {
        if (n && b.r[n - 1].mr == b.r[i].mr && b.r[n - 1].end == b.r[i].start &&
            b.r[n - 1].base == b.r[i].base && b.r[n - 1].readonly == b.r[i].readonly) {
            b.r[n - 1].end = b.r[i].end;
        } else {
            b.r[n++] = b.r[i];
        }
    }
    v->nr = n;
    v->ranges = calloc(n ? n : 1, sizeof(*v->ranges));
    if (!v->ranges) {
        abort();
    }
    for (unsigned i = 0; i < n; i++) {
        flat_range_fill(&v->ranges[i], &b.r[i]);
        if (v->ranges[i].host) {
            view_add_block(v, b.r[i].mr->ram_block);
        }
    }
    free(b.r);
    return v;
}

void flatview_ref(FlatView *view)
{
    atomic_fetch_add((_Atomic int *)&view->refcount, 1);
}

void flatview_unref(FlatView *view)
{
    if (!view || atomic_fetch_sub((_Atomic int *)&view->refcount, 1) != 1) {
        return;
    }
    for (unsigned i = 0; i < view->nr_blocks; i++) {
        ram_block_unref(view->blocks[i]);
    }
    free(view->blocks);
    free(view->ranges);
    free(view);
}

unsigned flatview_find(const FlatView *view, hwaddr addr)
{
    unsigned l = 0, h = view->nr;
    while (l < h) {
        unsigned m = (l + h) / 2;
        if (view->ranges[m].last < addr) {
            l = m + 1;
        } else {
            h = m;
        }
    }
    return l;
}

const FlatRange *flatview_lookup(const FlatView *view, hwaddr addr)
{
    unsigned i = flatview_find(view, addr);
    if (i < view->nr && view->ranges[i].start <= addr) {
        return &view->ranges[i];
    }
    return NULL;
}

bool flat_range_equal(const FlatRange *a, const FlatRange *b)
{
    return a->start == b->start && a->last == b->last && a->mr == b->mr &&
           a->offset_in_region == b->offset_in_region && a->host == b->host &&
           a->readonly == b->readonly;
}

unsigned flatview_nr_ranges(FlatView *view)
{
    return view->nr;
}

MemoryRegionSection flatview_range_section(FlatView *view, unsigned i)
{
    MemoryRegionSection s = { 0 };
    if (i < view->nr) {
        const FlatRange *r = &view->ranges[i];
        s.mr = r->mr;
        s.offset_within_region = r->offset_in_region;
        s.offset_within_address_space = r->start;
        s.size = r->last - r->start + 1;
        s.readonly = r->readonly;
    }
    return s;
}
