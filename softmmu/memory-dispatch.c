/*
 * Dispatch: turning an access to an address space into RAM copies and MMIO
 * callbacks.
 *
 * address_space_rw walks the current FlatView piece by piece. RAM pieces
 * are copied directly, without the big lock (the view's reference keeps
 * their RAM block mapped). For an MMIO piece the big lock is needed: if
 * the caller does not hold it, the view reference is dropped, the lock
 * taken and the address looked up again, so the region called is one that
 * is in the tree right now (regions are only unmapped under the lock).
 *
 * MMIO sizes follow exec/memory.h: ops->valid is what the device accepts
 * (larger accesses are split, smaller or misaligned ones rejected), and
 * ops->impl is what its callbacks implement (the core splits or widens).
 */
#include <assert.h>
#include <inttypes.h>
#include <string.h>

#include "memory-internal.h"
#include "util/log.h"
#include "util/main-loop.h"

MemoryRegion io_mem_unassigned = {
    .type = MR_IO,
    .name = "unassigned",
    .size = UINT64_MAX,
    .enabled = true,
    .initialized = true,
};

bool memory_region_is_unassigned(const MemoryRegion *mr)
{
    return mr == &io_mem_unassigned;
}

static uint64_t size_mask(unsigned size)
{
    return size >= 8 ? ~(uint64_t)0 : ((uint64_t)1 << (size * 8)) - 1;
}

unsigned mr_valid_min(const MemoryRegion *mr)
{
    return mr->ops && mr->ops->valid.min_access_size ? mr->ops->valid.min_access_size : 1;
}

unsigned mr_valid_max(const MemoryRegion *mr)
{
    return mr->ops && mr->ops->valid.max_access_size ? mr->ops->valid.max_access_size : 4;
}

static unsigned impl_min(const MemoryRegion *mr)
{
    return mr->ops->impl.min_access_size ? mr->ops->impl.min_access_size : 1;
}

static unsigned impl_max(const MemoryRegion *mr)
{
    return mr->ops->impl.max_access_size ? mr->ops->impl.max_access_size : 4;
}

/* ---- one access to one region's ops ---- */

static MemTxResult call_read(MemoryRegion *mr, hwaddr addr, uint64_t *v, unsigned size,
                             MemTxAttrs attrs)
{
    if (mr->ops->read_with_attrs) {
        return mr->ops->read_with_attrs(mr->opaque, addr, v, size, attrs);
    }
    if (mr->ops->read) {
        *v = mr->ops->read(mr->opaque, addr, size);
        return MEMTX_OK;
    }
    /* write-only device (a ROM device's ops often are): reads float high */
    *v = size_mask(size);
    return MEMTX_OK;
}

static MemTxResult call_write(MemoryRegion *mr, hwaddr addr, uint64_t v, unsigned size,
                              MemTxAttrs attrs)
{
    if (mr->ops->write_with_attrs) {
        return mr->ops->write_with_attrs(mr->opaque, addr, v, size, attrs);
    }
    if (mr->ops->write) {
        mr->ops->write(mr->opaque, addr, v, size);
    }
    return MEMTX_OK;
}

/* Do a valid access of size with the callbacks' own sizes: split it into
 * impl.max pieces, or widen it to one impl.min unit. */
static MemTxResult access_adjusted(MemoryRegion *mr, hwaddr addr, uint64_t *data, unsigned size,
                                   bool is_write, MemTxAttrs attrs)
{
    unsigned lo = impl_min(mr), hi = impl_max(mr);
    unsigned asz = size < lo ? lo : size > hi ? hi : size;
    MemTxResult res = MEMTX_OK;

    if (asz > size) {
        hwaddr base = mr->ops->impl.unaligned ? addr : addr & ~(hwaddr)(asz - 1);
        unsigned shift = (addr - base) * 8;
        if (shift + size * 8 > asz * 8) {
            /* a misaligned access straddling two units: widen each byte
             * into its own unit */
            MemTxResult res = MEMTX_OK;
            uint64_t out = 0;
            for (unsigned i = 0; i < size; i++) {
                uint64_t b = (*data >> (i * 8)) & 0xff;
                res |= access_adjusted(mr, addr + i, &b, 1, is_write, attrs);
                out |= (b & 0xff) << (i * 8);
            }
            if (!is_write) {
                *data = out;
            }
            return res;
        }
        if (is_write) {
            return call_write(mr, base, (*data & size_mask(size)) << shift, asz, attrs);
        }
        uint64_t v = 0;
        res = call_read(mr, base, &v, asz, attrs);
        *data = (v >> shift) & size_mask(size);
        return res;
    }
    if (asz == size) {
        if (is_write) {
            return call_write(mr, addr, *data & size_mask(size), size, attrs);
        }
        uint64_t v = 0;
        res = call_read(mr, addr, &v, size, attrs);
        *data = v & size_mask(size);
        return res;
    }
    uint64_t out = 0;
    for (unsigned i = 0; i < size; i += asz) {
        uint64_t v = is_write ? (*data >> (i * 8)) & size_mask(asz) : 0;
        if (is_write) {
            res |= call_write(mr, addr + i, v, asz, attrs);
        } else {
            res |= call_read(mr, addr + i, &v, asz, attrs);
            out |= (v & size_mask(asz)) << (i * 8);
        }
    }
    if (!is_write) {
        *data = out;
    }
    return res;
}

static bool access_valid(MemoryRegion *mr, hwaddr addr, unsigned size, bool is_write,
                         MemTxAttrs attrs)
{
    if (!mr->ops || size < mr_valid_min(mr)) {
        return false;
    }
    if (!mr->ops->valid.unaligned && (addr & (size - 1))) {
        return false;
    }
    if (mr->ops->valid.accepts &&
        !mr->ops->valid.accepts(mr->opaque, addr, size, is_write, attrs)) {
        return false;
    }
    return true;
}

static MemTxResult dispatch(MemoryRegion *mr, hwaddr addr, uint64_t *data, unsigned size,
                            bool is_write, MemTxAttrs attrs)
{
    if (size == 0 || size > 8 || (size & (size - 1))) {
        log_mask_printf(LOG_GUEST_ERROR, "memory: %s: bad access size %u at 0x%" PRIx64 "\n",
                        mr->name, size, addr);
        if (!is_write) {
            *data = ~(uint64_t)0;
        }
        return MEMTX_DECODE_ERROR;
    }
    if (mr == &io_mem_unassigned || !access_valid(mr, addr, size, is_write, attrs)) {
        log_mask_printf(LOG_GUEST_ERROR, "memory: invalid %u-byte %s at 0x%" PRIx64 " in %s\n",
                        size, is_write ? "write" : "read", addr, mr->name);
        if (!is_write) {
            *data = size_mask(size);
        }
        return MEMTX_DECODE_ERROR;
    }
    unsigned vmax = mr_valid_max(mr);
    if (size <= vmax) {
        return access_adjusted(mr, addr, data, size, is_write, attrs);
    }
    /* wider than the device's bus: several accesses, as a bus would make */
    MemTxResult res = MEMTX_OK;
    uint64_t out = 0;
    for (unsigned i = 0; i < size; i += vmax) {
        uint64_t v = is_write ? (*data >> (i * 8)) & size_mask(vmax) : 0;
        res |= access_adjusted(mr, addr + i, &v, vmax, is_write, attrs);
        out |= (v & size_mask(vmax)) << (i * 8);
    }
    if (!is_write) {
        *data = out;
    }
    return res;
}

/* RAM-backed regions reached through dispatch (a caller that has the
 * region, not an address): the bytes in the block, never the ops. */
static bool ram_access(MemoryRegion *mr, hwaddr addr, unsigned size)
{
    return mr->ram_block && addr < mr->size && size <= 8 && size <= mr->size - addr;
}

MemTxResult memory_region_dispatch_read(MemoryRegion *mr, hwaddr addr, uint64_t *data,
                                        unsigned size, MemTxAttrs attrs)
{
    if ((mr->type == MR_RAM || mr->type == MR_ROM ||
         (mr->type == MR_ROM_DEVICE && mr->romd_mode)) &&
        ram_access(mr, addr, size)) {
        uint64_t v = 0;
        memcpy(&v, mr->ram_block->host + addr, size); /* little-endian host */
        *data = v;
        return MEMTX_OK;
    }
    return dispatch(mr, addr, data, size, false, attrs);
}

MemTxResult memory_region_dispatch_write(MemoryRegion *mr, hwaddr addr, uint64_t data,
                                         unsigned size, MemTxAttrs attrs)
{
    if ((mr->type == MR_RAM || mr->type == MR_ROM) && ram_access(mr, addr, size)) {
        if (mr->type == MR_RAM && !mr->readonly) {
            memcpy(mr->ram_block->host + addr, &data, size);
            ram_block_notify_write(mr->ram_block->offset + addr, size);
        }
        return MEMTX_OK; /* ROM: the write is dropped, as the hardware would */
    }
    return dispatch(mr, addr, &data, size, true, attrs);
}

/* ---- address spaces ---- */

/* The largest valid access at offset off of at most len bytes: a power of
 * two, at most valid.max, aligned unless the device takes unaligned ones. */
static unsigned mmio_access_size(const MemoryRegion *mr, hwaddr off, uint64_t len)
{
    unsigned max = mr_valid_max(mr);
    if (mr->ops && !mr->ops->valid.unaligned) {
        hwaddr align = off & -off;
        if (align && align < max) {
            max = align;
        }
    }
    unsigned l = len < max ? (unsigned)len : max;
    while (l & (l - 1)) {
        l &= l - 1; /* round down to a power of two */
    }
    /* a device wanting larger units than the bytes left still gets its
     * minimum size; dispatch() then rejects it as the device asked */
    return l ? l : 1;
}

static void log_unassigned(AddressSpace *as, hwaddr addr, uint64_t len, bool is_write)
{
    log_mask_printf(LOG_GUEST_ERROR,
                    "memory: %s of %" PRIu64 " bytes at unassigned %s 0x%" PRIx64 "\n",
                    is_write ? "write" : "read", len, as->name, addr);
}

typedef enum RwMode { RW_READ, RW_WRITE, RW_WRITE_ROM } RwMode;

static MemTxResult address_space_rw_internal(AddressSpace *as, hwaddr addr, MemTxAttrs attrs,
                                             uint8_t *buf, hwaddr len, RwMode mode)
{
    MemTxResult res = MEMTX_OK;
    bool is_write = mode != RW_READ;
    bool locked_here = false;
    FlatView *view = NULL;

    while (len > 0) {
        if (!view) {
            view = address_space_get_flatview(as);
        }
        unsigned i = flatview_find(view, addr);
        const FlatRange *r = i < view->nr ? &view->ranges[i] : NULL;
        uint64_t l;

        if (!r || r->start > addr) {
            /* unassigned up to the next range (or the end of the space) */
            l = r ? r->start - addr : (uint64_t)0 - addr;
            if (l == 0 || l > len) {
                l = len;
            }
            log_unassigned(as, addr, l, is_write);
            if (!is_write) {
                memset(buf, 0xff, l);
            }
            res |= MEMTX_DECODE_ERROR;
        } else {
            uint64_t avail = flat_range_remaining(r, addr);
            l = (avail == 0 || avail > len) ? len : avail;
            hwaddr delta = addr - r->start;
            bool to_host = r->host && (!is_write || !r->readonly);
            if (to_host) {
                if (is_write) {
                    memcpy(r->host + delta, buf, l);
                    ram_block_notify_write(r->ram_addr + delta, l);
                } else {
                    memcpy(buf, r->host + delta, l);
                }
            } else if (is_write && r->type != MR_IO && r->type != MR_ROM_DEVICE) {
                /* ROM or read-only RAM: the guest cannot write it, loaders can */
                if (mode == RW_WRITE_ROM) {
                    memcpy(r->host + delta, buf, l);
                    ram_block_notify_write(r->ram_addr + delta, l);
                }
            } else if (is_write && r->type == MR_ROM_DEVICE && mode == RW_WRITE_ROM && r->host) {
                memcpy(r->host + delta, buf, l);
                ram_block_notify_write(r->ram_addr + delta, l);
            } else {
                if (!bql_locked()) {
                    /* take the lock, then look again: the view may change
                     * while we wait, and only under the lock is mr live */
                    flatview_unref(view);
                    view = NULL;
                    bql_lock();
                    locked_here = true;
                    continue;
                }
                MemoryRegion *mr = r->mr;
                hwaddr off = r->offset_in_region + delta;
                unsigned sz = mmio_access_size(mr, off, l);
                uint64_t v = 0;
                l = sz;
                if (is_write) {
                    for (unsigned k = 0; k < sz; k++) {
                        v |= (uint64_t)buf[k] << (k * 8);
                    }
                    res |= dispatch(mr, off, &v, sz, true, attrs);
                } else {
                    res |= dispatch(mr, off, &v, sz, false, attrs);
                    for (unsigned k = 0; k < sz; k++) {
                        buf[k] = v >> (k * 8);
                    }
                }
            }
        }
        buf += l;
        len -= l;
        addr += l;
        if (addr == 0 && len > 0) {
            /* wrapped past 2^64: the rest is unassigned */
            log_unassigned(as, addr, len, is_write);
            if (!is_write) {
                memset(buf, 0xff, len);
            }
            res |= MEMTX_DECODE_ERROR;
            break;
        }
    }
    flatview_unref(view);
    if (locked_here) {
        bql_unlock();
    }
    return res;
}

MemTxResult address_space_read(AddressSpace *as, hwaddr addr, MemTxAttrs attrs, void *buf,
                               hwaddr len)
{
    return address_space_rw_internal(as, addr, attrs, buf, len, RW_READ);
}

MemTxResult address_space_write(AddressSpace *as, hwaddr addr, MemTxAttrs attrs, const void *buf,
                                hwaddr len)
{
    return address_space_rw_internal(as, addr, attrs, (uint8_t *)buf, len, RW_WRITE);
}

MemTxResult address_space_rw(AddressSpace *as, hwaddr addr, MemTxAttrs attrs, void *buf, hwaddr len,
                             bool is_write)
{
    return address_space_rw_internal(as, addr, attrs, buf, len, is_write ? RW_WRITE : RW_READ);
}

MemTxResult address_space_write_rom(AddressSpace *as, hwaddr addr, MemTxAttrs attrs,
                                    const void *buf, hwaddr len)
{
    return address_space_rw_internal(as, addr, attrs, (uint8_t *)buf, len, RW_WRITE_ROM);
}

/*
 * One load/store of size bytes. When it falls in one MMIO range it is a
 * single dispatch of that size (so a device sees a 4-byte access as one,
 * and rejects a misaligned one itself); everything else goes through the
 * byte-buffer path.
 */
static MemTxResult ldst(AddressSpace *as, hwaddr addr, uint64_t *val, unsigned size, bool is_write,
                        MemTxAttrs attrs)
{
    FlatView *view = address_space_get_flatview(as);
    const FlatRange *r = flatview_lookup(view, addr);
    bool locked_here = false;

    if (r && !(r->host && (!is_write || !r->readonly)) &&
        (r->type == MR_IO || r->type == MR_ROM_DEVICE)) {
        if (!bql_locked()) {
            flatview_unref(view);
            bql_lock();
            locked_here = true;
            view = address_space_get_flatview(as);
            r = flatview_lookup(view, addr);
        }
        /* re-check: the view may have changed while we waited */
        if (r && !(r->host && (!is_write || !r->readonly)) &&
            (r->type == MR_IO || r->type == MR_ROM_DEVICE)) {
            uint64_t avail = flat_range_remaining(r, addr);
            if (avail == 0 || avail >= size) {
                MemTxResult res = dispatch(r->mr, r->offset_in_region + (addr - r->start), val,
                                           size, is_write, attrs);
                flatview_unref(view);
                if (locked_here) {
                    bql_unlock();
                }
                return res;
            }
        }
    }
    flatview_unref(view);
    uint8_t b[8];
    MemTxResult res;
    if (is_write) {
        for (unsigned k = 0; k < size; k++) {
            b[k] = *val >> (k * 8);
        }
        res = address_space_rw_internal(as, addr, attrs, b, size, RW_WRITE);
    } else {
        res = address_space_rw_internal(as, addr, attrs, b, size, RW_READ);
        *val = 0;
        for (unsigned k = 0; k < size; k++) {
            *val |= (uint64_t)b[k] << (k * 8);
        }
    }
    if (locked_here) {
        bql_unlock();
    }
    return res;
}

#define DEFINE_LD(name, type, size)                                                                \
    type name(AddressSpace *as, hwaddr addr, MemTxAttrs attrs, MemTxResult *result)                \
    {                                                                                              \
        uint64_t v = 0;                                                                            \
        MemTxResult r = ldst(as, addr, &v, size, false, attrs);                                    \
        if (result) {                                                                              \
            *result = r;                                                                           \
        }                                                                                          \
        return (type)v;                                                                            \
    }
#define DEFINE_ST(name, type, size)                                                                \
    void name(AddressSpace *as, hwaddr addr, type val, MemTxAttrs attrs, MemTxResult *result)      \
    {                                                                                              \
        uint64_t v = val;                                                                          \
        MemTxResult r = ldst(as, addr, &v, size, true, attrs);                                     \
        if (result) {                                                                              \
            *result = r;                                                                           \
        }                                                                                          \
    }

DEFINE_LD(address_space_ldub, uint8_t, 1)
DEFINE_LD(address_space_lduw, uint16_t, 2)
DEFINE_LD(address_space_ldl, uint32_t, 4)
DEFINE_LD(address_space_ldq, uint64_t, 8)
DEFINE_ST(address_space_stb, uint8_t, 1)
DEFINE_ST(address_space_stw, uint16_t, 2)
DEFINE_ST(address_space_stl, uint32_t, 4)
DEFINE_ST(address_space_stq, uint64_t, 8)

MemoryRegion *address_space_translate(AddressSpace *as, hwaddr addr, hwaddr *xlat, hwaddr *plen,
                                      bool is_write, MemTxAttrs attrs)
{
    FlatView *view = address_space_get_flatview(as);
    unsigned i = flatview_find(view, addr);
    const FlatRange *r = i < view->nr ? &view->ranges[i] : NULL;
    MemoryRegion *mr;
    uint64_t avail;

    if (r && r->start <= addr) {
        mr = r->mr;
        *xlat = r->offset_in_region + (addr - r->start);
        avail = flat_range_remaining(r, addr);
    } else {
        mr = &io_mem_unassigned;
        *xlat = addr;
        avail = r ? r->start - addr : (uint64_t)0 - addr;
    }
    if (plen && avail != 0 && avail < *plen) {
        *plen = avail;
    }
    flatview_unref(view);
    return mr;
}

void address_space_translate_for_tlb(AddressSpace *as, hwaddr addr, MemTxAttrs attrs,
                                     MemoryRegionXlat *out)
{
    FlatView *view = address_space_get_flatview(as);
    unsigned i = flatview_find(view, addr);
    const FlatRange *r = i < view->nr ? &view->ranges[i] : NULL;

    memset(out, 0, sizeof(*out));
    out->ram_addr = RAM_ADDR_INVALID;
    if (r && r->start <= addr) {
        hwaddr delta = addr - r->start;
        out->mr = r->mr;
        out->xlat = r->offset_in_region + delta;
        out->len = flat_range_remaining(r, addr);
        out->readonly = r->readonly;
        if (r->host) {
            out->host = r->host + delta;
            out->ram_addr = r->ram_addr + delta;
        }
    } else {
        out->mr = &io_mem_unassigned;
        out->xlat = addr;
        out->len = r ? r->start - addr : (uint64_t)0 - addr;
    }
    flatview_unref(view);
}
