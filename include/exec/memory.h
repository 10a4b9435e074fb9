/*
 * The memory API: how guest-physical (and I/O port) addresses reach RAM,
 * ROM and device registers.
 *
 * A MemoryRegion is one of
 *   - a container: only subregions (its holes are transparent: whatever a
 *     lower-priority sibling of the container maps there shows through);
 *   - RAM (memory_region_init_ram): backed by a RAMBlock (exec/ram.h);
 *   - ROM (memory_region_init_rom): RAM the guest cannot write; guest writes
 *     are ignored (loaders write it with address_space_write_rom or through
 *     memory_region_get_ram_ptr);
 *   - a ROM device (memory_region_init_rom_device): reads come from its RAM
 *     block while in "romd" mode (the default), writes always go to ops;
 *     memory_region_rom_device_set_romd(mr, false) sends reads to ops too
 *     (flash in command mode);
 *   - MMIO (memory_region_init_io): reads and writes call ops;
 *   - an alias: a window [offset, offset+size) onto another region (which
 *     may itself be an alias or a container).
 * Any region can have subregions; a non-container region fills the parts of
 * its range its subregions leave free.
 *
 * Rendering. An AddressSpace renders its root region into a FlatView: a
 * sorted list of non-overlapping ranges, each a piece of one terminal
 * region. Among overlapping siblings the higher priority wins; among equal
 * priorities the one added LAST wins. Disabled regions (and everything
 * under them) are skipped; aliases are resolved to the region they show.
 * Every topology change (add/del subregion, enable, move, alias offset,
 * readonly, romd mode) re-renders every address space, once per outermost
 * transaction: wrap many changes in memory_region_transaction_begin/commit.
 *
 * MMIO access sizes. ops->valid says what the device accepts: an access
 * smaller than valid.min_access_size, or misaligned when !valid.unaligned,
 * is rejected (LOG_GUEST_ERROR; reads give all-ones, writes are dropped,
 * MEMTX_DECODE_ERROR); an access larger than valid.max_access_size is split
 * into max-size pieces, as a bus would. ops->impl says what the callbacks
 * implement: the core splits an access into impl.max_access_size pieces,
 * or widens it to impl.min_access_size (reading the containing aligned
 * unit and extracting, or for writes shifting the data into place), so
 * callbacks only ever see sizes in [impl.min, impl.max]. Sizes default to
 * min 1, max 4 when 0. Everything is little-endian: the lowest address is
 * the least significant byte of the value.
 *
 * Unassigned addresses: reads return all-ones, writes are ignored; both are
 * logged under LOG_GUEST_ERROR and return MEMTX_DECODE_ERROR. Never a crash.
 *
 * Threads and lifetime.
 *  - Topology changes (everything that changes the tree, and init/finalize)
 *    happen under the big lock (util/main-loop.h).
 *  - address_space_read/write/ld/st/map may be called from any thread, with
 *    or without the big lock. RAM is accessed without taking it; for MMIO the
 *    dispatcher takes the big lock itself if the caller does not hold it,
 *    and re-resolves the address under it, so MMIO callbacks always run with
 *    the big lock held and only ever see regions that are in the tree.
 *  - FlatViews are refcounted: a reader takes a reference (under a short
 *    per-AddressSpace mutex that only guards "load pointer + increment")
 *    and drops it when done; a commit publishes the new view and drops the
 *    address space's reference on the old one, which is freed by whoever
 *    drops the last reference. A view holds a reference on every RAMBlock it
 *    maps, so a RAM access through a view never touches unmapped memory.
 *  - A region may be finalized (memory_region_finalize, then its memory
 *    freed) only after it was removed from its parent and the transaction
 *    committed (the listeners, i.e. the TLB flushes, have run).
 */
#ifndef EXEC_MEMORY_H
#define EXEC_MEMORY_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "exec/ram.h"
#include "util/error.h"

/* A guest-physical (or I/O port) address, or an offset inside a region. */
typedef uint64_t hwaddr;
#define HWADDR_MAX UINT64_MAX

/* Who makes an access; passed through to ops that care. */
typedef struct MemTxAttrs {
    unsigned int unspecified : 1; /* nobody said */
    unsigned int secure : 1;
    unsigned int user : 1;          /* CPL 3 */
    unsigned int requester_id : 16; /* PCI requester (bus/dev/fn) of DMA */
} MemTxAttrs;
#define MEMTXATTRS_UNSPECIFIED ((MemTxAttrs){ .unspecified = 1 })

typedef uint32_t MemTxResult;
#define MEMTX_OK           0
#define MEMTX_ERROR        (1U << 0) /* the device reported an error */
#define MEMTX_DECODE_ERROR (1U << 1) /* nothing there, or an access size it rejects */

typedef struct MemoryRegionOps {
    /* size is 1, 2, 4 or 8 and within impl; addr is the offset in the region */
    uint64_t (*read)(void *opaque, hwaddr addr, unsigned size);
    void (*write)(void *opaque, hwaddr addr, uint64_t data, unsigned size);
    /* optional variants that see attrs and can fail; used instead of
     * read/write when set */
    MemTxResult (*read_with_attrs)(void *opaque, hwaddr addr, uint64_t *data, unsigned size,
                                   MemTxAttrs attrs);
    MemTxResult (*write_with_attrs)(void *opaque, hwaddr addr, uint64_t data, unsigned size,
                                    MemTxAttrs attrs);
    struct {
        unsigned min_access_size; /* 0 = 1 */
        unsigned max_access_size; /* 0 = 4 */
        bool unaligned;
        /* optional: false rejects the access like an invalid size */
        bool (*accepts)(void *opaque, hwaddr addr, unsigned size, bool is_write, MemTxAttrs attrs);
    } valid;
    struct {
        unsigned min_access_size; /* 0 = 1 */
        unsigned max_access_size; /* 0 = 4 */
        bool unaligned;
    } impl;
} MemoryRegionOps;

typedef enum MemoryRegionType {
    MR_CONTAINER,
    MR_RAM,
    MR_ROM,
    MR_ROM_DEVICE,
    MR_IO,
    MR_ALIAS,
} MemoryRegionType;

/*
 * Embed in the owner's state and initialise with one of the
 * memory_region_init_* functions; treat the fields as private (use the
 * accessors below).
 */
struct MemoryRegion {
    MemoryRegionType type;
    char *name;
    void *owner;                /* the device (or NULL); informational */
    const MemoryRegionOps *ops; /* IO and ROM device */
    void *opaque;
    uint64_t size;       /* UINT64_MAX stands for 2^64 */
    RAMBlock *ram_block; /* RAM, ROM, ROM device */
    MemoryRegion *alias; /* alias: the region shown */
    hwaddr alias_offset;
    bool enabled;
    bool readonly;  /* RAM made read-only (set_readonly), ROM */
    bool romd_mode; /* ROM device: reads from RAM */
    bool initialized;

    /* place in the tree */
    MemoryRegion *container; /* parent, NULL if not mapped */
    hwaddr addr;             /* offset in the parent */
    int priority;
    bool may_overlap;
    uint64_t add_seq;         /* when it was added: later wins on ties */
    MemoryRegion *subregions; /* highest priority first, newest first among equals */
    MemoryRegion *sub_next;
    int alias_count; /* aliases pointing here */
};

/* A contiguous piece of one region as an address space sees it. */
typedef struct MemoryRegionSection {
    MemoryRegion *mr;
    struct AddressSpace *as;
    hwaddr offset_within_region;
    hwaddr offset_within_address_space;
    uint64_t size; /* 0 stands for 2^64 */
    bool readonly;
} MemoryRegionSection;

typedef struct FlatView FlatView;

typedef struct AddressSpace {
    char *name;
    MemoryRegion *root;
    FlatView *current_map;    /* readers use address_space_get_flatview() */
    pthread_mutex_t map_lock; /* guards load+ref of current_map */
    struct AddressSpace *next;
} AddressSpace;

/*
 * Told about topology changes. Callbacks run under the big lock, from
 * memory_region_transaction_commit (and listener registration), in
 * priority order (lower first for begin/region_add/commit, reverse for
 * region_del, as teardown should undo setup).
 *   begin       - a commit that changes this address space's view starts
 *   region_del  - a section of the old view is gone (or changed)
 *   region_add  - a section of the new view is new (or changed)
 *   commit      - the new view is published (the TLB flushes here)
 *   log_sync    - memory_global_dirty_log_sync(): fold in dirty state kept
 *                 elsewhere (unused by TCG; for coalesced logging later)
 * On registration region_add is called for every current section (between
 * begin and commit), so a late listener sees the same state.
 */
typedef struct MemoryListener {
    void (*begin)(struct MemoryListener *l);
    void (*region_add)(struct MemoryListener *l, MemoryRegionSection *section);
    void (*region_del)(struct MemoryListener *l, MemoryRegionSection *section);
    void (*commit)(struct MemoryListener *l);
    void (*log_sync)(struct MemoryListener *l, MemoryRegionSection *section);
    int priority;
    const char *name;
    /* private */
    AddressSpace *address_space;
    struct MemoryListener *next;
} MemoryListener;

/* --- regions --- */

void memory_region_init(MemoryRegion *mr, void *owner, const char *name, uint64_t size);
void memory_region_init_io(MemoryRegion *mr, void *owner, const MemoryRegionOps *ops, void *opaque,
                           const char *name, uint64_t size);
/* RAM/ROM: false and *errp if the block cannot be allocated. The block's
 * name is name (must be unique among RAM blocks). */
bool memory_region_init_ram(MemoryRegion *mr, void *owner, const char *name, uint64_t size,
                            Error **errp);
bool memory_region_init_rom(MemoryRegion *mr, void *owner, const char *name, uint64_t size,
                            Error **errp);
bool memory_region_init_rom_device(MemoryRegion *mr, void *owner, const MemoryRegionOps *ops,
                                   void *opaque, const char *name, uint64_t size, Error **errp);
void memory_region_init_alias(MemoryRegion *mr, void *owner, const char *name, MemoryRegion *orig,
                              hwaddr offset, uint64_t size);
/* Undo init (frees the name, drops the RAM block). mr must be unmapped and
 * have no subregions and no aliases pointing at it. */
void memory_region_finalize(MemoryRegion *mr);

/* Map child at offset in parent with priority 0 / the given priority. */
void memory_region_add_subregion(MemoryRegion *parent, hwaddr offset, MemoryRegion *child);
void memory_region_add_subregion_overlap(MemoryRegion *parent, hwaddr offset, MemoryRegion *child,
                                         int priority);
void memory_region_del_subregion(MemoryRegion *parent, MemoryRegion *child);
void memory_region_set_enabled(MemoryRegion *mr, bool enabled);
/* Move a mapped region inside its parent (or just record addr if unmapped). */
void memory_region_set_address(MemoryRegion *mr, hwaddr addr);
void memory_region_set_alias_offset(MemoryRegion *mr, hwaddr offset);
/* RAM: make guest writes ignored (true) or allowed again. */
void memory_region_set_readonly(MemoryRegion *mr, bool readonly);
/* ROM device: reads from RAM (true, default) or through ops (false). */
void memory_region_rom_device_set_romd(MemoryRegion *mr, bool romd_mode);

/* Host pointer to the region's RAM (RAM, ROM, ROM device; an alias gives
 * its target's pointer at the alias offset); NULL for other regions. A
 * caller that writes through it calls memory_region_set_dirty. */
void *memory_region_get_ram_ptr(MemoryRegion *mr);
/* ram_addr of offset 0 of the region's RAM (aliases resolved), or
 * RAM_ADDR_INVALID. */
ram_addr_t memory_region_get_ram_addr(MemoryRegion *mr);
uint64_t memory_region_size(MemoryRegion *mr);
const char *memory_region_name(const MemoryRegion *mr);
bool memory_region_is_ram(const MemoryRegion *mr);  /* RAM or ROM */
bool memory_region_is_rom(const MemoryRegion *mr);  /* ROM, or read-only RAM */
bool memory_region_is_romd(const MemoryRegion *mr); /* ROM device in romd mode */
bool memory_region_is_mapped(const MemoryRegion *mr);
bool memory_region_is_enabled(const MemoryRegion *mr);
RAMBlock *memory_region_get_ram_block(MemoryRegion *mr);

/* Dirty flags of the region's RAM (offsets in the region). */
void memory_region_set_dirty(MemoryRegion *mr, hwaddr addr, hwaddr size);
bool memory_region_get_dirty(MemoryRegion *mr, hwaddr addr, hwaddr size, uint8_t client);
bool memory_region_test_and_clear_dirty(MemoryRegion *mr, hwaddr addr, hwaddr size, uint8_t client);

/* Call the region's ops for one access of size 1/2/4/8 at addr, splitting
 * and widening as the ops ask. Big lock held. For MMIO and ROM devices;
 * on a RAM/ROM region (or a ROM device in romd mode, for reads) it accesses
 * the RAM block (ROM writes are dropped). */
MemTxResult memory_region_dispatch_read(MemoryRegion *mr, hwaddr addr, uint64_t *data,
                                        unsigned size, MemTxAttrs attrs);
MemTxResult memory_region_dispatch_write(MemoryRegion *mr, hwaddr addr, uint64_t data,
                                         unsigned size, MemTxAttrs attrs);

void memory_region_transaction_begin(void);
void memory_region_transaction_commit(void);

/* --- address spaces --- */

void address_space_init(AddressSpace *as, MemoryRegion *root, const char *name);
void address_space_destroy(AddressSpace *as);

/* The roots of the system address spaces: "system" (2^64 bytes) and "io"
 * (64 KiB of ports). Created on first use, with address_space_memory and
 * address_space_io rendering them. */
MemoryRegion *get_system_memory(void);
MemoryRegion *get_system_io(void);
extern AddressSpace address_space_memory;
extern AddressSpace address_space_io;

/* Read/write len bytes at addr. The result ORs the results of every piece;
 * the whole buffer is always processed. */
MemTxResult address_space_read(AddressSpace *as, hwaddr addr, MemTxAttrs attrs, void *buf,
                               hwaddr len);
MemTxResult address_space_write(AddressSpace *as, hwaddr addr, MemTxAttrs attrs, const void *buf,
                                hwaddr len);
MemTxResult address_space_rw(AddressSpace *as, hwaddr addr, MemTxAttrs attrs, void *buf, hwaddr len,
                             bool is_write);
/* Like address_space_write but also writes ROM (and ROM devices' RAM):
 * for firmware loaders. MMIO is written as by address_space_write. */
MemTxResult address_space_write_rom(AddressSpace *as, hwaddr addr, MemTxAttrs attrs,
                                    const void *buf, hwaddr len);

/* Little-endian loads/stores; result may be NULL. An MMIO access is one
 * dispatch of that size (split only as the region's ops demand). */
uint8_t address_space_ldub(AddressSpace *as, hwaddr addr, MemTxAttrs attrs, MemTxResult *result);
uint16_t address_space_lduw(AddressSpace *as, hwaddr addr, MemTxAttrs attrs, MemTxResult *result);
uint32_t address_space_ldl(AddressSpace *as, hwaddr addr, MemTxAttrs attrs, MemTxResult *result);
uint64_t address_space_ldq(AddressSpace *as, hwaddr addr, MemTxAttrs attrs, MemTxResult *result);
void address_space_stb(AddressSpace *as, hwaddr addr, uint8_t val, MemTxAttrs attrs,
                       MemTxResult *result);
void address_space_stw(AddressSpace *as, hwaddr addr, uint16_t val, MemTxAttrs attrs,
                       MemTxResult *result);
void address_space_stl(AddressSpace *as, hwaddr addr, uint32_t val, MemTxAttrs attrs,
                       MemTxResult *result);
void address_space_stq(AddressSpace *as, hwaddr addr, uint64_t val, MemTxAttrs attrs,
                       MemTxResult *result);

/*
 * DMA mapping. Map *plen bytes at addr for reading (is_write false) or
 * writing by the device; *plen is reduced to what could be mapped in one
 * piece. RAM gives a direct pointer (the RAM block stays alive until
 * unmap); anything else gives a bounce buffer (at most 64 KiB; filled by
 * a read first unless is_write; unassigned space reads as all-ones). NULL
 * (and *plen = 0) only if *plen was 0 or the host is out of memory.
 * unmap: access_len bytes were actually written (if is_write): they are
 * marked dirty (RAM) or written back (bounce). Any thread.
 */
void *address_space_map(AddressSpace *as, hwaddr addr, hwaddr *plen, bool is_write,
                        MemTxAttrs attrs);
void address_space_unmap(AddressSpace *as, void *buffer, hwaddr len, bool is_write,
                         hwaddr access_len);

/*
 * QEMU-style translation: the terminal region at addr, *xlat = the offset
 * of addr in it, *plen reduced to the bytes from addr that stay in the
 * same region piece. Unassigned addresses give the internal "unassigned"
 * region (memory_region_is_unassigned) with *plen up to the next mapped
 * range. For RAM use memory_region_get_ram_ptr(mr) + *xlat and
 * memory_region_get_ram_addr(mr) + *xlat. The pointer stays valid until
 * the region is finalized (see "lifetime" above). This does not say
 * whether the MAPPING is read-only (a read-only alias of RAM): the softmmu
 * TLB should use address_space_translate_for_tlb below, which does.
 */
MemoryRegion *address_space_translate(AddressSpace *as, hwaddr addr, hwaddr *xlat, hwaddr *plen,
                                      bool is_write, MemTxAttrs attrs);
bool memory_region_is_unassigned(const MemoryRegion *mr);

/*
 * Everything a softmmu TLB fill needs about one physical address, read
 * from the current view without dereferencing any region (so it is safe
 * without the big lock). Unlike address_space_translate it also reports
 * read-only-ness that comes from the mapping (a read-only alias of RAM, as
 * the PC's PAM registers make) rather than from the region.
 *   host != NULL: reads may use host memory (RAM, ROM, ROM device in romd
 *                 mode); ram_addr is the ram_addr of addr (dirty tracking)
 *   readonly:     writes must not touch host memory: send them to the slow
 *                 path, address_space_write() on the physical address, which
 *                 drops them (ROM, read-only RAM or alias) or calls the
 *                 device (ROM device). (Not memory_region_dispatch_write on
 *                 mr: when read-only-ness comes from an alias, mr itself is
 *                 writable RAM.)
 *   host == NULL: MMIO (or unassigned: mr is then the unassigned region)
 * len is the number of bytes from addr with the same mapping (0 = 2^64).
 */
typedef struct MemoryRegionXlat {
    MemoryRegion *mr;
    hwaddr xlat;
    uint64_t len;
    uint8_t *host;
    ram_addr_t ram_addr;
    bool readonly;
} MemoryRegionXlat;
void address_space_translate_for_tlb(AddressSpace *as, hwaddr addr, MemTxAttrs attrs,
                                     MemoryRegionXlat *out);

/* A view stays valid while referenced. */
FlatView *address_space_get_flatview(AddressSpace *as);
void flatview_ref(FlatView *view);
void flatview_unref(FlatView *view);
/* Number of ranges and the i-th as a section (tests, "info mtree -f"). */
unsigned flatview_nr_ranges(FlatView *view);
MemoryRegionSection flatview_range_section(FlatView *view, unsigned i);

void memory_listener_register(MemoryListener *listener, AddressSpace *as);
void memory_listener_unregister(MemoryListener *listener);
/* Call log_sync of every listener for every section of every address space. */
void memory_global_dirty_log_sync(void);

/* Print the region tree of every address space and their flat views
 * ("info mtree [-f]"). */
void memory_print_mtree(FILE *f, bool flatview);

#endif
