/*
 * fw_cfg, the firmware configuration device, on x86 I/O ports: selector
 * (0x510), data (0x511), DMA address (0x514). The interface is QEMU's
 * published spec (docs/specs/fw_cfg.rst); see include/hw/nvram/fw_cfg.h.
 *
 * Items are two tables (generic and arch-local keys) of FW_CFG_FILE_FIRST
 * + file_slots entries. Files take the slots from FW_CFG_FILE_FIRST in name
 * order: adding a file shifts the later ones up, so keys are final once
 * the board has added everything (before the guest runs). The directory
 * item is rebuilt after every file change.
 *
 * DMA runs synchronously when the low half of the address is written:
 * select, then read (item to guest RAM, zeros past the end), write (guest
 * RAM to a writable item, never past its end: otherwise nothing is written
 * and the error bit is set) or skip; the control word is then written back
 * as 0, or with the error bit. A descriptor that cannot be read or a
 * transfer that hits unassigned memory also sets the error bit. Not
 * modelled: the MMIO variant (ARM), data-port writes (ignored, as QEMU
 * does since 2.4).
 */
#include <stdlib.h>
#include <string.h>

#include "hw/core/qdev-properties.h"
#include "hw/nvram/fw_cfg.h"
#include "migration/vmstate.h"
#include "util/log.h"

static void *fw_cfg_alloc(size_t n)
{
    void *p = calloc(1, n ? n : 1);

    if (!p) {
        abort();
    }
    return p;
}

static void fw_cfg_bug(const char *what, unsigned key)
{
    error_report("fw_cfg: %s (key 0x%x)", what, key);
    abort();
}

static FWCfgEntry *fw_cfg_entry(FWCfgState *s, uint16_t key)
{
    int arch = !!(key & FW_CFG_ARCH_LOCAL);
    uint16_t idx = key & FW_CFG_ENTRY_MASK;

    if (!s->entries[0] || idx >= s->max_entry) {
        return NULL;
    }
    return &s->entries[arch][idx];
}

static void entry_release(FWCfgEntry *e)
{
    if (e->owned) {
        free(e->data);
    }
    memset(e, 0, sizeof(*e));
}

static void entry_set_copy(FWCfgEntry *e, const void *data, size_t len)
{
    uint8_t *copy = fw_cfg_alloc(len);

    if (len) {
        memcpy(copy, data, len);
    }
    entry_release(e);
    e->data = copy;
    e->len = (uint32_t)len;
    e->owned = true;
}

/* ---- board API ---- */

/* The entry for key, checked: in range, not a file slot (unless file). */
static FWCfgEntry *fw_cfg_key_entry(FWCfgState *s, uint16_t key, bool file)
{
    FWCfgEntry *e = fw_cfg_entry(s, key);
    uint16_t idx = key & FW_CFG_ENTRY_MASK;

    if (!e || (key & FW_CFG_WRITE_CHANNEL)) {
        fw_cfg_bug("key out of range (or device not realized)", key);
    }
    if (!file && !(key & FW_CFG_ARCH_LOCAL) && idx >= FW_CFG_FILE_FIRST) {
        fw_cfg_bug("file keys are added with fw_cfg_add_file", key);
    }
    return e;
}

void fw_cfg_add_bytes(FWCfgState *s, uint16_t key, const void *data, size_t len)
{
    FWCfgEntry *e = fw_cfg_key_entry(s, key, false);

    if (e->data) {
        fw_cfg_bug("item added twice", key);
    }
    if (len > UINT32_MAX) {
        fw_cfg_bug("item larger than 4 GiB", key);
    }
    entry_set_copy(e, data, len);
}

void fw_cfg_modify_bytes(FWCfgState *s, uint16_t key, const void *data, size_t len)
{
    FWCfgEntry *e = fw_cfg_key_entry(s, key, false);

    if (len > UINT32_MAX) {
        fw_cfg_bug("item larger than 4 GiB", key);
    }
    entry_set_copy(e, data, len);
}

void fw_cfg_add_string(FWCfgState *s, uint16_t key, const char *value)
{
    fw_cfg_add_bytes(s, key, value, strlen(value) + 1);
}

void fw_cfg_modify_string(FWCfgState *s, uint16_t key, const char *value)
{
    fw_cfg_modify_bytes(s, key, value, strlen(value) + 1);
}

static void put_le(uint8_t *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

void fw_cfg_add_i16(FWCfgState *s, uint16_t key, uint16_t value)
{
    uint8_t b[2];

    put_le(b, value, 2);
    fw_cfg_add_bytes(s, key, b, 2);
}

void fw_cfg_add_i32(FWCfgState *s, uint16_t key, uint32_t value)
{
    uint8_t b[4];

    put_le(b, value, 4);
    fw_cfg_add_bytes(s, key, b, 4);
}

void fw_cfg_add_i64(FWCfgState *s, uint16_t key, uint64_t value)
{
    uint8_t b[8];

    put_le(b, value, 8);
    fw_cfg_add_bytes(s, key, b, 8);
}

void fw_cfg_modify_i16(FWCfgState *s, uint16_t key, uint16_t value)
{
    uint8_t b[2];

    put_le(b, value, 2);
    fw_cfg_modify_bytes(s, key, b, 2);
}

void fw_cfg_modify_i32(FWCfgState *s, uint16_t key, uint32_t value)
{
    uint8_t b[4];

    put_le(b, value, 4);
    fw_cfg_modify_bytes(s, key, b, 4);
}

void fw_cfg_modify_i64(FWCfgState *s, uint16_t key, uint64_t value)
{
    uint8_t b[8];

    put_le(b, value, 8);
    fw_cfg_modify_bytes(s, key, b, 8);
}

/* ---- files ---- */

static FWCfgFile *dir_records(FWCfgState *s)
{
    return (FWCfgFile *)(s->file_dir + 4);
}

static void put_be(uint8_t *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++) {
        p[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
    }
}

static uint64_t get_be(const uint8_t *p, int n)
{
    uint64_t v = 0;

    for (int i = 0; i < n; i++) {
        v = v << 8 | p[i];
    }
    return v;
}

/* Refresh every record's size/select from the entries and the count. */
static void dir_refresh(FWCfgState *s)
{
    FWCfgEntry *e = &s->entries[0][FW_CFG_FILE_DIR];

    put_be(s->file_dir, s->file_count, 4);
    for (uint32_t i = 0; i < s->file_count; i++) {
        FWCfgFile *f = &dir_records(s)[i];
        put_be((uint8_t *)&f->size, s->entries[0][FW_CFG_FILE_FIRST + i].len, 4);
        put_be((uint8_t *)&f->select, FW_CFG_FILE_FIRST + i, 2);
        f->reserved = 0;
    }
    e->data = s->file_dir;
    e->len = 4 + s->file_count * (uint32_t)sizeof(FWCfgFile);
    e->owned = false;
}

uint16_t fw_cfg_find_file(FWCfgState *s, const char *filename)
{
    for (uint32_t i = 0; i < s->file_count; i++) {
        if (strncmp(dir_records(s)[i].name, filename, FW_CFG_MAX_FILE_PATH) == 0) {
            return FW_CFG_FILE_FIRST + i;
        }
    }
    return FW_CFG_INVALID;
}

/* Insert a file slot in name order; returns its entry (empty). */
static FWCfgEntry *file_insert(FWCfgState *s, const char *filename, uint16_t *key)
{
    uint32_t pos;

    if (!s->entries[0]) {
        fw_cfg_bug("device not realized", 0);
    }
    if (strlen(filename) >= FW_CFG_MAX_FILE_PATH) {
        error_report("fw_cfg: file name '%s' is too long", filename);
        abort();
    }
    if (fw_cfg_find_file(s, filename) != FW_CFG_INVALID) {
        error_report("fw_cfg: file '%s' added twice", filename);
        abort();
    }
    if (FW_CFG_FILE_FIRST + s->file_count >= s->max_entry) {
        error_report("fw_cfg: no slot left for file '%s' (%u slots)", filename, s->file_slots);
        abort();
    }
    for (pos = 0; pos < s->file_count; pos++) {
        if (strcmp(filename, dir_records(s)[pos].name) < 0) {
            break;
        }
    }
    memmove(&dir_records(s)[pos + 1], &dir_records(s)[pos],
            (s->file_count - pos) * sizeof(FWCfgFile));
    memmove(&s->entries[0][FW_CFG_FILE_FIRST + pos + 1], &s->entries[0][FW_CFG_FILE_FIRST + pos],
            (s->file_count - pos) * sizeof(FWCfgEntry));
    memset(&dir_records(s)[pos], 0, sizeof(FWCfgFile));
    snprintf(dir_records(s)[pos].name, FW_CFG_MAX_FILE_PATH, "%s", filename);
    memset(&s->entries[0][FW_CFG_FILE_FIRST + pos], 0, sizeof(FWCfgEntry));
    s->file_count++;
    *key = FW_CFG_FILE_FIRST + pos;
    return &s->entries[0][*key];
}

uint16_t fw_cfg_add_file_callback(FWCfgState *s, const char *filename, FWCfgCallback select_cb,
                                  FWCfgWriteCallback write_cb, void *callback_opaque, void *data,
                                  size_t len, bool read_only)
{
    uint16_t key;
    FWCfgEntry *e;

    if (len > UINT32_MAX) {
        fw_cfg_bug("file larger than 4 GiB", 0);
    }
    e = file_insert(s, filename, &key);
    e->data = data;
    e->len = (uint32_t)len;
    e->owned = false;
    e->allow_write = !read_only;
    e->select_cb = select_cb;
    e->write_cb = write_cb;
    e->callback_opaque = callback_opaque;
    dir_refresh(s);
    return key;
}

uint16_t fw_cfg_add_file(FWCfgState *s, const char *filename, const void *data, size_t len)
{
    uint16_t key;
    FWCfgEntry *e;

    if (len > UINT32_MAX) {
        fw_cfg_bug("file larger than 4 GiB", 0);
    }
    e = file_insert(s, filename, &key);
    entry_set_copy(e, data, len);
    dir_refresh(s);
    return key;
}

void fw_cfg_modify_file(FWCfgState *s, const char *filename, const void *data, size_t len)
{
    uint16_t key = fw_cfg_find_file(s, filename);

    if (key == FW_CFG_INVALID) {
        fw_cfg_add_file(s, filename, data, len);
        return;
    }
    FWCfgEntry *e = &s->entries[0][key];
    bool w = e->allow_write;
    entry_set_copy(e, data, len);
    e->allow_write = w;
    dir_refresh(s);
}

/* ---- guest side ---- */

static void fw_cfg_select(FWCfgState *s, uint16_t key)
{
    FWCfgEntry *e = fw_cfg_entry(s, key);

    s->cur_offset = 0;
    if (!e) {
        s->cur_entry = FW_CFG_INVALID;
        return;
    }
    s->cur_entry = key;
    if (e->select_cb) {
        e->select_cb(e->callback_opaque);
    }
}

static FWCfgEntry *fw_cfg_current(FWCfgState *s)
{
    return s->cur_entry == FW_CFG_INVALID ? NULL : fw_cfg_entry(s, s->cur_entry);
}

static uint8_t fw_cfg_read_byte(FWCfgState *s)
{
    FWCfgEntry *e = fw_cfg_current(s);

    if (!e || !e->data || s->cur_offset >= e->len) {
        return 0;
    }
    return e->data[s->cur_offset++];
}

static uint64_t comb_read(void *opaque, hwaddr addr, unsigned size)
{
    FWCfgState *s = opaque;

    if (addr == 1 && size == 1) {
        return fw_cfg_read_byte(s);
    }
    log_mask_printf(LOG_GUEST_ERROR, "fw_cfg: %u-byte read of port 0x%x (selector is write-only)\n",
                    size, (unsigned)(s->iobase + addr));
    return 0;
}

static void comb_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    FWCfgState *s = opaque;

    if (addr == 0 && size == 2) {
        fw_cfg_select(s, (uint16_t)data);
    } else if (addr == 1) {
        /* data port writes are no-ops (QEMU >= 2.4); writes go by DMA */
    } else {
        log_mask_printf(LOG_GUEST_ERROR, "fw_cfg: %u-byte write to selector port ignored\n", size);
    }
}

static const MemoryRegionOps comb_ops = {
    .read = comb_read,
    .write = comb_write,
    .valid = { .min_access_size = 1, .max_access_size = 2 },
    .impl = { .min_access_size = 1, .max_access_size = 2 },
};

/* Fill len bytes of guest memory at addr with zeros, in pieces. */
static bool dma_zero(FWCfgState *s, uint64_t addr, uint64_t len)
{
    static const uint8_t zeros[4096];
    bool ok = true;

    while (len) {
        uint64_t n = len < sizeof(zeros) ? len : sizeof(zeros);
        ok &= address_space_write(s->dma_as, addr, MEMTXATTRS_UNSPECIFIED, zeros, n) == MEMTX_OK;
        addr += n;
        len -= n;
    }
    return ok;
}

static void fw_cfg_dma_transfer(FWCfgState *s)
{
    uint64_t desc = s->dma_addr;
    uint8_t raw[16];
    uint32_t control, length;
    uint64_t address;
    bool error = false;
    FWCfgEntry *e;

    s->dma_addr = 0;
    if (address_space_read(s->dma_as, desc, MEMTXATTRS_UNSPECIFIED, raw, sizeof(raw)) != MEMTX_OK) {
        log_mask_printf(LOG_GUEST_ERROR, "fw_cfg: DMA descriptor at 0x%llx is not readable\n",
                        (unsigned long long)desc);
        error = true;
        goto done;
    }
    control = (uint32_t)get_be(raw, 4);
    length = (uint32_t)get_be(raw + 4, 4);
    address = get_be(raw + 8, 8);

    if (control & FW_CFG_DMA_CTL_SELECT) {
        fw_cfg_select(s, control >> 16);
    }
    e = fw_cfg_current(s);

    if (control & FW_CFG_DMA_CTL_READ) {
        uint64_t avail = (e && e->data && s->cur_offset < e->len) ? e->len - s->cur_offset : 0;
        uint64_t n = length < avail ? length : avail;
        if (n && address_space_write(s->dma_as, address, MEMTXATTRS_UNSPECIFIED,
                                     e->data + s->cur_offset, n) != MEMTX_OK) {
            error = true;
        }
        s->cur_offset += (uint32_t)n;
        /* past the end of the item the guest reads zeros */
        if (length > n && !dma_zero(s, address + n, length - n)) {
            error = true;
        }
    } else if (control & FW_CFG_DMA_CTL_WRITE) {
        uint64_t avail = (e && e->data && s->cur_offset < e->len) ? e->len - s->cur_offset : 0;
        if (!e || !e->allow_write || length > avail) {
            log_mask_printf(LOG_GUEST_ERROR,
                            "fw_cfg: DMA write of %u bytes at offset %u to item 0x%x refused "
                            "(%s)\n",
                            length, s->cur_offset, s->cur_entry,
                            !e || !e->allow_write ? "read-only" : "past its end");
            error = true;
        } else if (length) {
            uint32_t start = s->cur_offset;
            if (address_space_read(s->dma_as, address, MEMTXATTRS_UNSPECIFIED, e->data + start,
                                   length) != MEMTX_OK) {
                error = true;
            }
            s->cur_offset += length;
            if (e->write_cb) {
                e->write_cb(e->callback_opaque, start, length);
            }
        }
    } else if (control & FW_CFG_DMA_CTL_SKIP) {
        uint64_t avail = (e && e->data && s->cur_offset < e->len) ? e->len - s->cur_offset : 0;
        s->cur_offset += (uint32_t)(length < avail ? length : avail);
    }

done : {
    uint8_t out[4];
    put_be(out, error ? FW_CFG_DMA_CTL_ERROR : 0, 4);
    address_space_write(s->dma_as, desc, MEMTXATTRS_UNSPECIFIED, out, 4);
}
}

static uint64_t dma_read(void *opaque, hwaddr addr, unsigned size)
{
    uint64_t v = 0;

    /* byte i of the register is byte i of "QEMU CFG" */
    for (unsigned i = 0; i < size && addr + i < 8; i++) {
        uint8_t b = (uint8_t)(FW_CFG_DMA_SIGNATURE >> (8 * (7 - (addr + i))));
        v |= (uint64_t)b << (8 * i);
    }
    return v;
}

static void dma_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    FWCfgState *s = opaque;
    uint8_t b[8];

    /* the bytes arrive in port order; the register is big-endian */
    put_le(b, data, size);
    if (size == 4 && addr == 0) {
        s->dma_addr = get_be(b, 4) << 32 | (s->dma_addr & 0xffffffffu);
    } else if (size == 4 && addr == 4) {
        s->dma_addr = (s->dma_addr & ~(uint64_t)0xffffffffu) | get_be(b, 4);
        fw_cfg_dma_transfer(s);
    } else if (size == 8 && addr == 0) {
        s->dma_addr = get_be(b, 8);
        fw_cfg_dma_transfer(s);
    } else {
        log_mask_printf(LOG_GUEST_ERROR,
                        "fw_cfg: %u-byte write at DMA register offset %u ignored\n", size,
                        (unsigned)addr);
    }
}

static const MemoryRegionOps dma_ops = {
    .read = dma_read,
    .write = dma_write,
    .valid = { .min_access_size = 1, .max_access_size = 8 },
    .impl = { .min_access_size = 1, .max_access_size = 8 },
};

/* ---- the device ---- */

static bool fw_cfg_realize(DeviceState *dev, Error **errp)
{
    FWCfgState *s = (FWCfgState *)dev;
    uint8_t sig[4] = { 'Q', 'E', 'M', 'U' };

    if (s->file_slots < 1 || s->file_slots > 0x3fff - FW_CFG_FILE_FIRST) {
        error_setg(errp, "x-file-slots must be 1..0x%x", 0x3fff - FW_CFG_FILE_FIRST);
        return false;
    }
    if (!s->dma_as) {
        s->dma_as = &address_space_memory;
    }
    s->max_entry = FW_CFG_FILE_FIRST + s->file_slots;
    s->entries[0] = fw_cfg_alloc(s->max_entry * sizeof(FWCfgEntry));
    s->entries[1] = fw_cfg_alloc(s->max_entry * sizeof(FWCfgEntry));
    s->file_dir = fw_cfg_alloc(4 + (size_t)s->file_slots * sizeof(FWCfgFile));
    s->file_count = 0;

    memory_region_init_io(&s->comb_io, s, &comb_ops, s, "fwcfg", 2);
    sysbus_init_pio(&s->parent, &s->comb_io);
    if (s->dma_enabled) {
        memory_region_init_io(&s->dma_io, s, &dma_ops, s, "fwcfg.dma", 8);
        sysbus_init_pio(&s->parent, &s->dma_io);
    }

    fw_cfg_add_bytes(s, FW_CFG_SIGNATURE, sig, sizeof(sig));
    fw_cfg_add_i32(s, FW_CFG_ID, FW_CFG_VERSION | (s->dma_enabled ? FW_CFG_VERSION_DMA : 0));
    dir_refresh(s);
    s->cur_entry = FW_CFG_SIGNATURE;
    return true;
}

static void fw_cfg_unrealize(DeviceState *dev)
{
    FWCfgState *s = (FWCfgState *)dev;

    /* the ports are unmapped by the sys-bus level after this one */
    for (int t = 0; t < 2; t++) {
        for (uint32_t i = 0; s->entries[t] && i < s->max_entry; i++) {
            entry_release(&s->entries[t][i]);
        }
        free(s->entries[t]);
        s->entries[t] = NULL;
    }
    free(s->file_dir);
    s->file_dir = NULL;
}

static void fw_cfg_instance_finalize(DeviceState *dev)
{
    FWCfgState *s = (FWCfgState *)dev;

    if (s->comb_io.initialized) {
        memory_region_finalize(&s->comb_io);
    }
    if (s->dma_io.initialized) {
        memory_region_finalize(&s->dma_io);
    }
}

static void fw_cfg_reset(DeviceState *dev)
{
    FWCfgState *s = (FWCfgState *)dev;

    s->cur_entry = FW_CFG_SIGNATURE;
    s->cur_offset = 0;
    s->dma_addr = 0;
}

static bool fw_cfg_dma_needed(void *opaque)
{
    return ((FWCfgState *)opaque)->dma_enabled;
}

static const VMStateDescription vmstate_fw_cfg_dma = {
    .name = "fw_cfg/dma",
    .version_id = 1,
    .minimum_version_id = 1,
    .needed = fw_cfg_dma_needed,
    .fields =
        (const VMStateField[]){
            VMSTATE_UINT64(dma_addr, FWCfgState),
            VMSTATE_END_OF_LIST(),
        },
};

static const VMStateDescription vmstate_fw_cfg = {
    .name = "fw_cfg",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields =
        (const VMStateField[]){
            VMSTATE_UINT16(cur_entry, FWCfgState),
            VMSTATE_UINT32(cur_offset, FWCfgState),
            VMSTATE_END_OF_LIST(),
        },
    .subsections =
        (const VMStateDescription *const[]){
            &vmstate_fw_cfg_dma,
            NULL,
        },
};

static const Property fw_cfg_props[] = {
    DEFINE_PROP_UINT32("iobase", FWCfgState, iobase, FW_CFG_IO_BASE),
    DEFINE_PROP_UINT32("dma_iobase", FWCfgState, dma_iobase, FW_CFG_DMA_IO_BASE),
    DEFINE_PROP_BOOL("dma_enabled", FWCfgState, dma_enabled, true),
    DEFINE_PROP_UINT16("x-file-slots", FWCfgState, file_slots, FW_CFG_FILE_SLOTS_DEFAULT),
    DEFINE_PROP_END_OF_LIST(),
};

static const DeviceTypeInfo fw_cfg_info = {
    .name = TYPE_FW_CFG_IO,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(FWCfgState),
    .props = fw_cfg_props,
    .realize = fw_cfg_realize,
    .unrealize = fw_cfg_unrealize,
    .instance_finalize = fw_cfg_instance_finalize,
    .reset = fw_cfg_reset,
    .vmsd = &vmstate_fw_cfg,
    .desc = "firmware configuration interface (I/O ports)",
    .category = DEVICE_CATEGORY_MISC,
};
DEVICE_TYPE(fw_cfg_info)

FWCfgState *fw_cfg_init_io_dma(uint32_t iobase, uint32_t dma_iobase, AddressSpace *dma_as)
{
    DeviceState *dev = qdev_new(TYPE_FW_CFG_IO, &error_abort);
    FWCfgState *s = (FWCfgState *)dev;

    qdev_prop_set_uint32(dev, "iobase", iobase);
    qdev_prop_set_uint32(dev, "dma_iobase", dma_iobase);
    qdev_prop_set_bit(dev, "dma_enabled", dma_iobase != 0);
    s->dma_as = dma_as;
    qdev_realize(dev, NULL, &error_abort);
    sysbus_pio_map(&s->parent, 0, iobase);
    if (dma_iobase) {
        sysbus_pio_map(&s->parent, 1, dma_iobase);
    }
    return s;
}
