/*
 * The memory region tree: initialising regions, mapping them into their
 * parents, transactions, address spaces and their listeners.
 *
 * Every change to the tree marks the topology dirty; the outermost
 * memory_region_transaction_commit() then re-renders every address space
 * (flatview.c), publishes each new view and tells the listeners of the
 * address spaces whose view changed what was removed and added. All of it
 * runs under the big lock; readers on other threads take a reference to
 * the current view under the address space's map_lock (see exec/memory.h,
 * "Threads and lifetime").
 */
#include <assert.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "memory-internal.h"
#include "util/log.h"

static unsigned transaction_depth;
static bool topology_pending;
static uint64_t add_seq_counter;
static AddressSpace *address_spaces;
static MemoryListener *listeners; /* sorted by priority, ascending */

static MemoryRegion system_memory;
static MemoryRegion system_io;
AddressSpace address_space_memory;
AddressSpace address_space_io;

static char *dup_name(const char *name)
{
    char *s = strdup(name ? name : "anonymous");
    if (!s) {
        abort();
    }
    return s;
}

/* ---- init ---- */

static void mr_init_common(MemoryRegion *mr, MemoryRegionType type, void *owner, const char *name,
                           uint64_t size)
{
    memset(mr, 0, sizeof(*mr));
    mr->type = type;
    mr->owner = owner;
    mr->name = dup_name(name);
    mr->size = size;
    mr->enabled = true;
    mr->romd_mode = true;
    mr->initialized = true;
}

void memory_region_init(MemoryRegion *mr, void *owner, const char *name, uint64_t size)
{
    mr_init_common(mr, MR_CONTAINER, owner, name, size);
}

void memory_region_init_io(MemoryRegion *mr, void *owner, const MemoryRegionOps *ops, void *opaque,
                           const char *name, uint64_t size)
{
    mr_init_common(mr, MR_IO, owner, name, size);
    mr->ops = ops;
    mr->opaque = opaque;
}

static bool mr_init_ram_common(MemoryRegion *mr, MemoryRegionType type, void *owner,
                               const char *name, uint64_t size, Error **errp)
{
    mr_init_common(mr, type, owner, name, size);
    mr->ram_block = ram_block_new(mr->name, size, mr, errp);
    if (!mr->ram_block) {
        free(mr->name);
        memset(mr, 0, sizeof(*mr));
        return false;
    }
    return true;
}

bool memory_region_init_ram(MemoryRegion *mr, void *owner, const char *name, uint64_t size,
                            Error **errp)
{
    return mr_init_ram_common(mr, MR_RAM, owner, name, size, errp);
}

bool memory_region_init_rom(MemoryRegion *mr, void *owner, const char *name, uint64_t size,
                            Error **errp)
{
    if (!mr_init_ram_common(mr, MR_ROM, owner, name, size, errp)) {
        return false;
    }
    mr->readonly = true;
    return true;
}

bool memory_region_init_rom_device(MemoryRegion *mr, void *owner, const MemoryRegionOps *ops,
                                   void *opaque, const char *name, uint64_t size, Error **errp)
{
    if (!mr_init_ram_common(mr, MR_ROM_DEVICE, owner, name, size, errp)) {
        return false;
    }
    mr->ops = ops;
    mr->opaque = opaque;
    return true;
}

void memory_region_init_alias(MemoryRegion *mr, void *owner, const char *name, MemoryRegion *orig,
                              hwaddr offset, uint64_t size)
{
    mr_init_common(mr, MR_ALIAS, owner, name, size);
    mr->alias = orig;
    mr->alias_offset = offset;
    orig->alias_count++;
}

void memory_region_finalize(MemoryRegion *mr)
{
    if (!mr->initialized) {
        return;
    }
    assert(!mr->container && !mr->subregions && mr->alias_count == 0);
    if (mr->type == MR_ALIAS) {
        mr->alias->alias_count--;
    }
    ram_block_free(mr->ram_block);
    free(mr->name);
    memset(mr, 0, sizeof(*mr));
}

/* ---- transactions ---- */

void memory_region_transaction_begin(void)
{
    transaction_depth++;
}

static void topology_changed(void)
{
    memory_region_transaction_begin();
    topology_pending = true;
    memory_region_transaction_commit();
}

static bool section_in(const FlatView *v, const FlatRange *r)
{
    const FlatRange *o = flatview_lookup(v, r->start);
    return o && flat_range_equal(o, r);
}

static MemoryRegionSection section_of(AddressSpace *as, const FlatRange *r)
{
    MemoryRegionSection s = {
        .mr = r->mr,
        .as = as,
        .offset_within_region = r->offset_in_region,
        .offset_within_address_space = r->start,
        .size = r->last - r->start + 1,
        .readonly = r->readonly,
    };
    return s;
}

static bool view_differs(const FlatView *a, const FlatView *b)
{
    if (a->nr != b->nr) {
        return true;
    }
    for (unsigned i = 0; i < a->nr; i++) {
        if (!flat_range_equal(&a->ranges[i], &b->ranges[i])) {
            return true;
        }
    }
    return false;
}

static void address_space_update(AddressSpace *as)
{
    FlatView *old = as->current_map;
    FlatView *nv = flatview_render(as->root);

    if (old && !view_differs(old, nv)) {
        flatview_unref(nv);
        return;
    }
    for (MemoryListener *l = listeners; l; l = l->next) {
        if (l->address_space == as && l->begin) {
            l->begin(l);
        }
    }
    pthread_mutex_lock(&as->map_lock);
    as->current_map = nv;
    pthread_mutex_unlock(&as->map_lock);

    /* this address space's listeners, in priority order (region_del walks
     * them backwards) */
    unsigned nrev = 0;
    for (MemoryListener *l = listeners; l; l = l->next) {
        nrev += l->address_space == as;
    }
    MemoryListener *rev[nrev ? nrev : 1];
    nrev = 0;
    for (MemoryListener *l = listeners; l; l = l->next) {
        if (l->address_space == as) {
            rev[nrev++] = l;
        }
    }
    if (old) {
        for (unsigned k = nrev; k-- > 0;) {
            if (!rev[k]->region_del) {
                continue;
            }
            for (unsigned i = 0; i < old->nr; i++) {
                if (!section_in(nv, &old->ranges[i])) {
                    MemoryRegionSection s = section_of(as, &old->ranges[i]);
                    rev[k]->region_del(rev[k], &s);
                }
            }
        }
    }
    for (unsigned k = 0; k < nrev; k++) {
        if (!rev[k]->region_add) {
            continue;
        }
        for (unsigned i = 0; i < nv->nr; i++) {
            if (!old || !section_in(old, &nv->ranges[i])) {
                MemoryRegionSection s = section_of(as, &nv->ranges[i]);
                rev[k]->region_add(rev[k], &s);
            }
        }
    }
    for (unsigned k = 0; k < nrev; k++) {
        if (rev[k]->commit) {
            rev[k]->commit(rev[k]);
        }
    }
    flatview_unref(old);
}

void memory_region_transaction_commit(void)
{
    assert(transaction_depth > 0);
    if (--transaction_depth > 0 || !topology_pending) {
        return;
    }
    topology_pending = false;
    for (AddressSpace *as = address_spaces; as; as = as->next) {
        address_space_update(as);
    }
}

/* ---- the tree ---- */

static void subregion_insert(MemoryRegion *parent, MemoryRegion *child)
{
    MemoryRegion **pp = &parent->subregions;
    /* before the first sibling of lower or equal priority: higher first,
     * and among equals the newest first (it wins the render) */
    while (*pp && (*pp)->priority > child->priority) {
        pp = &(*pp)->sub_next;
    }
    child->sub_next = *pp;
    *pp = child;
}

static void subregion_unlink(MemoryRegion *parent, MemoryRegion *child)
{
    for (MemoryRegion **pp = &parent->subregions; *pp; pp = &(*pp)->sub_next) {
        if (*pp == child) {
            *pp = child->sub_next;
            child->sub_next = NULL;
            return;
        }
    }
}

static void add_subregion_common(MemoryRegion *parent, hwaddr offset, MemoryRegion *child,
                                 int priority, bool may_overlap)
{
    assert(parent->initialized && child->initialized);
    assert(!child->container); /* mapped twice: a programming error */
    assert(child != parent);
    child->container = parent;
    child->addr = offset;
    child->priority = priority;
    child->may_overlap = may_overlap;
    child->add_seq = ++add_seq_counter;
    subregion_insert(parent, child);
    topology_changed();
}

void memory_region_add_subregion(MemoryRegion *parent, hwaddr offset, MemoryRegion *child)
{
    add_subregion_common(parent, offset, child, 0, false);
}

void memory_region_add_subregion_overlap(MemoryRegion *parent, hwaddr offset, MemoryRegion *child,
                                         int priority)
{
    add_subregion_common(parent, offset, child, priority, true);
}

void memory_region_del_subregion(MemoryRegion *parent, MemoryRegion *child)
{
    assert(child->container == parent);
    subregion_unlink(parent, child);
    child->container = NULL;
    topology_changed();
}

void memory_region_set_enabled(MemoryRegion *mr, bool enabled)
{
    if (mr->enabled == enabled) {
        return;
    }
    mr->enabled = enabled;
    topology_changed();
}

void memory_region_set_address(MemoryRegion *mr, hwaddr addr)
{
    if (mr->addr == addr) {
        return;
    }
    mr->addr = addr;
    if (mr->container) {
        topology_changed();
    }
}

void memory_region_set_alias_offset(MemoryRegion *mr, hwaddr offset)
{
    assert(mr->type == MR_ALIAS);
    if (mr->alias_offset == offset) {
        return;
    }
    mr->alias_offset = offset;
    topology_changed();
}

void memory_region_set_readonly(MemoryRegion *mr, bool readonly)
{
    if (mr->type == MR_ROM || mr->readonly == readonly) {
        return; /* a ROM stays read-only */
    }
    mr->readonly = readonly;
    topology_changed();
}

void memory_region_rom_device_set_romd(MemoryRegion *mr, bool romd_mode)
{
    if (mr->type != MR_ROM_DEVICE || mr->romd_mode == romd_mode) {
        return;
    }
    mr->romd_mode = romd_mode;
    topology_changed();
}

/* ---- accessors ---- */

/* Follow aliases to the region that owns the RAM; *offset accumulates. */
static MemoryRegion *mr_resolve(MemoryRegion *mr, hwaddr *offset)
{
    for (int depth = 0; mr && mr->type == MR_ALIAS && depth < 64; depth++) {
        *offset += mr->alias_offset;
        mr = mr->alias;
    }
    return mr;
}

void *memory_region_get_ram_ptr(MemoryRegion *mr)
{
    hwaddr off = 0;
    mr = mr_resolve(mr, &off);
    if (!mr || !mr->ram_block) {
        return NULL;
    }
    return mr->ram_block->host + off;
}

ram_addr_t memory_region_get_ram_addr(MemoryRegion *mr)
{
    hwaddr off = 0;
    mr = mr_resolve(mr, &off);
    if (!mr || !mr->ram_block) {
        return RAM_ADDR_INVALID;
    }
    return mr->ram_block->offset + off;
}

RAMBlock *memory_region_get_ram_block(MemoryRegion *mr)
{
    hwaddr off = 0;
    mr = mr_resolve(mr, &off);
    return mr ? mr->ram_block : NULL;
}

uint64_t memory_region_size(MemoryRegion *mr)
{
    return mr->size;
}

const char *memory_region_name(const MemoryRegion *mr)
{
    return mr->name;
}

bool memory_region_is_ram(const MemoryRegion *mr)
{
    return mr->type == MR_RAM || mr->type == MR_ROM;
}

bool memory_region_is_rom(const MemoryRegion *mr)
{
    return mr->type == MR_ROM || (mr->type == MR_RAM && mr->readonly);
}

bool memory_region_is_romd(const MemoryRegion *mr)
{
    return mr->type == MR_ROM_DEVICE && mr->romd_mode;
}

bool memory_region_is_mapped(const MemoryRegion *mr)
{
    return mr->container != NULL;
}

bool memory_region_is_enabled(const MemoryRegion *mr)
{
    return mr->enabled;
}

void memory_region_set_dirty(MemoryRegion *mr, hwaddr addr, hwaddr size)
{
    ram_addr_t base = memory_region_get_ram_addr(mr);
    if (base != RAM_ADDR_INVALID) {
        ram_block_notify_write(base + addr, size);
    }
}

bool memory_region_get_dirty(MemoryRegion *mr, hwaddr addr, hwaddr size, uint8_t client)
{
    ram_addr_t base = memory_region_get_ram_addr(mr);
    return base != RAM_ADDR_INVALID && cpu_physical_memory_get_dirty(base + addr, size, client);
}

bool memory_region_test_and_clear_dirty(MemoryRegion *mr, hwaddr addr, hwaddr size, uint8_t client)
{
    ram_addr_t base = memory_region_get_ram_addr(mr);
    return base != RAM_ADDR_INVALID &&
           cpu_physical_memory_test_and_clear_dirty(base + addr, size, client);
}

/* ---- address spaces ---- */

void address_space_init(AddressSpace *as, MemoryRegion *root, const char *name)
{
    memset(as, 0, sizeof(*as));
    as->name = dup_name(name);
    as->root = root;
    pthread_mutex_init(&as->map_lock, NULL);
    as->current_map = flatview_render(root);
    AddressSpace **pp = &address_spaces;
    while (*pp) {
        pp = &(*pp)->next;
    }
    *pp = as;
}

void address_space_destroy(AddressSpace *as)
{
    for (AddressSpace **pp = &address_spaces; *pp; pp = &(*pp)->next) {
        if (*pp == as) {
            *pp = as->next;
            break;
        }
    }
    for (MemoryListener *l = listeners; l; l = l->next) {
        assert(l->address_space != as);
    }
    flatview_unref(as->current_map);
    as->current_map = NULL;
    pthread_mutex_destroy(&as->map_lock);
    free(as->name);
    as->name = NULL;
}

FlatView *address_space_get_flatview(AddressSpace *as)
{
    pthread_mutex_lock(&as->map_lock);
    FlatView *v = as->current_map;
    flatview_ref(v);
    pthread_mutex_unlock(&as->map_lock);
    return v;
}

/* The system roots exist from program start, so address_space_memory and
 * address_space_io are always usable (a constructor needs no locking). */
__attribute__((constructor)) static void memory_system_init(void)
{
    memory_region_init(&system_memory, NULL, "system", UINT64_MAX);
    address_space_init(&address_space_memory, &system_memory, "memory");
    memory_region_init(&system_io, NULL, "io", 65536);
    address_space_init(&address_space_io, &system_io, "I/O");
}

MemoryRegion *get_system_memory(void)
{
    return &system_memory;
}

MemoryRegion *get_system_io(void)
{
    return &system_io;
}

/* ---- listeners ---- */

void memory_listener_register(MemoryListener *listener, AddressSpace *as)
{
    listener->address_space = as;
    MemoryListener **pp = &listeners;
    while (*pp && (*pp)->priority <= listener->priority) {
        pp = &(*pp)->next;
    }
    listener->next = *pp;
    *pp = listener;

    FlatView *v = as->current_map;
    if (listener->begin) {
        listener->begin(listener);
    }
    if (listener->region_add) {
        for (unsigned i = 0; i < v->nr; i++) {
            MemoryRegionSection s = section_of(as, &v->ranges[i]);
            listener->region_add(listener, &s);
        }
    }
    if (listener->commit) {
        listener->commit(listener);
    }
}

void memory_listener_unregister(MemoryListener *listener)
{
    AddressSpace *as = listener->address_space;
    for (MemoryListener **pp = &listeners; *pp; pp = &(*pp)->next) {
        if (*pp == listener) {
            *pp = listener->next;
            break;
        }
    }
    if (as && as->current_map && listener->region_del) {
        FlatView *v = as->current_map;
        for (unsigned i = v->nr; i-- > 0;) {
            MemoryRegionSection s = section_of(as, &v->ranges[i]);
            listener->region_del(listener, &s);
        }
    }
    listener->address_space = NULL;
    listener->next = NULL;
}

void memory_global_dirty_log_sync(void)
{
    for (MemoryListener *l = listeners; l; l = l->next) {
        if (!l->log_sync) {
            continue;
        }
        FlatView *v = l->address_space->current_map;
        for (unsigned i = 0; i < v->nr; i++) {
            if (v->ranges[i].host) {
                MemoryRegionSection s = section_of(l->address_space, &v->ranges[i]);
                l->log_sync(l, &s);
            }
        }
    }
}

/* ---- info mtree ---- */

static const char *type_name(const MemoryRegion *mr)
{
    switch (mr->type) {
    case MR_CONTAINER:
        return "container";
    case MR_RAM:
        return mr->readonly ? "ram (readonly)" : "ram";
    case MR_ROM:
        return "rom";
    case MR_ROM_DEVICE:
        return mr->romd_mode ? "romd" : "rom device";
    case MR_IO:
        return "i/o";
    case MR_ALIAS:
        return "alias";
    }
    return "?";
}

static void print_tree(FILE *f, MemoryRegion *mr, hwaddr base, int level)
{
    hwaddr last = base + (mr->size == UINT64_MAX ? UINT64_MAX : mr->size - 1);
    fprintf(f, "%*s%016" PRIx64 "-%016" PRIx64 " (prio %d, %s): %s%s", level * 2, "", base, last,
            mr->priority, type_name(mr), mr->name, mr->enabled ? "" : " [disabled]");
    if (mr->type == MR_ALIAS) {
        fprintf(f, " @%s %016" PRIx64, mr->alias->name, mr->alias_offset);
    }
    fprintf(f, "\n");
    for (MemoryRegion *sub = mr->subregions; sub; sub = sub->sub_next) {
        print_tree(f, sub, base + sub->addr, level + 1);
    }
}

void memory_print_mtree(FILE *f, bool flatview)
{
    for (AddressSpace *as = address_spaces; as; as = as->next) {
        fprintf(f, "address-space: %s\n", as->name);
        if (!flatview) {
            if (as->root) {
                print_tree(f, as->root, 0, 1);
            }
            continue;
        }
        FlatView *v = as->current_map;
        for (unsigned i = 0; i < v->nr; i++) {
            const FlatRange *r = &v->ranges[i];
            fprintf(f, "  %016" PRIx64 "-%016" PRIx64 " (%s%s): %s @%016" PRIx64 "\n", r->start,
                    r->last, type_name(r->mr), r->readonly ? ", ro" : "", r->mr->name,
                    r->offset_in_region);
        }
    }
}
