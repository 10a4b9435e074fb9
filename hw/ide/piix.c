/*
 * PIIX3 IDE: the PCI IDE function of the Intel 82371SB with its bus
 * master (82371FB/SB datasheet; SFF-8038i for the bus master registers).
 *
 * Modelled: PCI 8086:7010, class 0101h, programming interface 80h (bus
 * master capable, both channels in fixed legacy mode): the primary channel
 * at ports 1F0h-1F7h / 3F6h on ISA IRQ 14, the secondary at 170h-177h /
 * 376h on IRQ 15 (the gpio outputs "isa-irq" 0 and 1 the board connects).
 * A channel's ports decode while the PCI command register's I/O enable and
 * the channel's IDETIM "IDE decode enable" bit (config 41h/43h bit 7) are
 * set. The bus master I/O block (BAR4, 16 bytes; 8 per channel): command
 * (start/stop, read/write), status (active, error, interrupt, drive DMA
 * capable bits), the PRD table pointer; the engine walks the physical
 * region descriptor table (base, byte count with 0 meaning 64 KiB, EOT).
 * Pieces in guest RAM are mapped for the drive (address_space_map: its
 * disk request reads or writes them directly, and the unmap marks what a
 * read wrote dirty); anything else is copied with address_space_read/write
 * through the drive's buffer. The interrupt status bit latches each rising
 * edge of the channel's INTRQ.
 *
 * Not modelled: the timing registers' effect (IDETIM/SIDETIM are plain
 * storage), native PCI mode (PIIX3 has none), PCI master/target aborts.
 *
 * The IDETIM decode bits reset to enabled, as firmware leaves them: the
 * PC boots Linux without a BIOS (-kernel), and ata_piix ignores channels
 * whose decode bit is clear.
 */
#include "hw/ide/piix.h"

#include <errno.h>
#include <stdlib.h>

#include "hw/core/qdev-properties.h"
#include "util/log.h"

#define BM_CMD_START   0x01
#define BM_CMD_READ    0x08 /* the bus master writes memory (device reads) */
#define BM_STAT_ACTIVE 0x01
#define BM_STAT_ERROR  0x02
#define BM_STAT_INTR   0x04
#define BM_STAT_DMA0   0x20
#define BM_STAT_DMA1   0x40

#define PIIX_IDETIM_PRI 0x40
#define PIIX_IDETIM_SEC 0x42
#define PIIX_IDETIM_IDE 0x8000
/* the PRD table lives within one 64 KiB block: at most 8192 entries */
#define PRD_MAX_ENTRIES 8192

typedef struct PIIXIDEState PIIXIDEState;

typedef struct BMDMAState {
    uint8_t cmd;
    uint8_t status;
    uint32_t addr; /* PRD table pointer */
    /* the PRD cursor of the running transfer */
    uint32_t cur_prd;
    uint32_t cur_addr;
    uint32_t cur_left;
    bool cur_eot;
    bool prd_done; /* the EOT entry is used up */
    uint32_t prd_count;
    uint8_t irq_level; /* the channel's INTRQ as last seen */
    PIIXIDEState *piix;
    int channel;
} BMDMAState;

struct PIIXIDEState {
    PCIDevice parent;
    IDEBus bus[2];
    BMDMAState bmdma[2];
    MemoryRegion cmd_io[2];
    MemoryRegion ctrl_io[2];
    MemoryRegion bmdma_io;
    qemu_irq isa_irq[2];
    qemu_irq *chan_irq;
    bool legacy_mapped;
};

#define PIIX_IDE(dev) QDEV_CHECK(PIIXIDEState, dev, TYPE_PIIX3_IDE)

static const uint16_t piix_cmd_base[2] = { 0x1f0, 0x170 };
static const uint16_t piix_ctrl_base[2] = { 0x3f6, 0x376 };

/* ---- legacy ports ---- */

static uint64_t piix_cmd_read(void *opaque, hwaddr addr, unsigned size)
{
    IDEBus *bus = opaque;
    uint64_t v = 0;

    if (addr == 0 && size >= 2) {
        return ide_data_read(bus, size);
    }
    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)ide_cmd_read(bus, (uint32_t)addr + i) << (8 * i);
    }
    return v;
}

static void piix_cmd_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    IDEBus *bus = opaque;

    if (addr == 0 && size >= 2) {
        ide_data_write(bus, (uint32_t)data, size);
        return;
    }
    for (unsigned i = 0; i < size; i++) {
        ide_cmd_write(bus, (uint32_t)addr + i, (uint32_t)(data >> (8 * i)) & 0xff);
    }
}

static const MemoryRegionOps piix_cmd_ops = {
    .read = piix_cmd_read,
    .write = piix_cmd_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

static uint64_t piix_ctrl_read(void *opaque, hwaddr addr, unsigned size)
{
    return ide_status_read(opaque);
}

static void piix_ctrl_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    ide_ctrl_write(opaque, (uint32_t)data & 0xff);
}

static const MemoryRegionOps piix_ctrl_ops = {
    .read = piix_ctrl_read,
    .write = piix_ctrl_write,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
};

/* Decode the legacy ports of each channel as IOSE and IDETIM.IDE say. */
static void piix_ide_update_decode(PIIXIDEState *s)
{
    PCIDevice *pd = &s->parent;
    bool iose = pci_get_word(pd->config + PCI_COMMAND) & PCI_COMMAND_IO;

    memory_region_transaction_begin();
    for (int ch = 0; ch < 2; ch++) {
        uint16_t idetim = pci_get_word(pd->config + (ch ? PIIX_IDETIM_SEC : PIIX_IDETIM_PRI));
        bool on = iose && (idetim & PIIX_IDETIM_IDE);

        memory_region_set_enabled(&s->cmd_io[ch], on);
        memory_region_set_enabled(&s->ctrl_io[ch], on);
    }
    memory_region_transaction_commit();
}

static void piix_ide_config_write(PCIDevice *pd, uint32_t addr, uint32_t val, unsigned len)
{
    pci_default_write_config(pd, addr, val, len);
    if (pci_range_covers(addr, len, PCI_COMMAND, 2) ||
        pci_range_covers(addr, len, PIIX_IDETIM_PRI, 4)) {
        piix_ide_update_decode(PIIX_IDE(pd));
    }
}

/* ---- bus master ---- */

static bool bmdma_ready(void *opaque)
{
    BMDMAState *bm = opaque;

    return bm->cmd & BM_CMD_START;
}

/* May the engine move data now? */
static bool bmdma_can_run(BMDMAState *bm)
{
    PCIDevice *pd = &bm->piix->parent;

    if (!(bm->cmd & BM_CMD_START)) {
        return false;
    }
    if (!(pci_get_word(pd->config + PCI_COMMAND) & PCI_COMMAND_MASTER)) {
        log_mask_printf(LOG_GUEST_ERROR, "piix-ide: DMA with bus mastering disabled\n");
        return false;
    }
    return true;
}

/* The next contiguous piece of at most max bytes at the PRD cursor (read
 * the next entry when the current one is used up); the cursor moves past
 * it. False when the table ran out. */
static bool bmdma_next_piece(BMDMAState *bm, uint32_t max, uint32_t *addr, uint32_t *len)
{
    if (bm->cur_left == 0) {
        uint8_t prd[8];
        uint32_t count;

        if (bm->prd_done || bm->prd_count >= PRD_MAX_ENTRIES) {
            return false;
        }
        address_space_read(&address_space_memory, bm->cur_prd, MEMTXATTRS_UNSPECIFIED, prd, 8);
        bm->cur_prd = (bm->cur_prd & ~0xffffu) | ((bm->cur_prd + 8) & 0xffffu);
        bm->prd_count++;
        bm->cur_addr = pci_get_long(prd) & ~1u;
        count = pci_get_word(prd + 4) & ~1u;
        bm->cur_left = count ? count : 0x10000;
        bm->cur_eot = prd[7] & 0x80;
    }
    *addr = bm->cur_addr;
    *len = bm->cur_left < max ? bm->cur_left : max;
    bm->cur_addr += *len;
    bm->cur_left -= *len;
    if (bm->cur_left == 0 && bm->cur_eot) {
        bm->prd_done = true;
    }
    return true;
}

static int32_t bmdma_rw_buf(void *opaque, uint8_t *buf, int32_t len, bool to_memory)
{
    BMDMAState *bm = opaque;
    int32_t done = 0;
    uint32_t addr, n;

    if (!bmdma_can_run(bm)) {
        return 0;
    }
    if (to_memory != !!(bm->cmd & BM_CMD_READ)) {
        log_mask_printf(LOG_GUEST_ERROR,
                        "piix-ide: bus master direction does not match the command\n");
    }
    while (done < len && bmdma_next_piece(bm, (uint32_t)(len - done), &addr, &n)) {
        if (!buf) {
            /* stepping over what a zero-copy transfer moved */
        } else if (to_memory) {
            address_space_write(&address_space_memory, addr, MEMTXATTRS_UNSPECIFIED, buf + done, n);
        } else {
            address_space_read(&address_space_memory, addr, MEMTXATTRS_UNSPECIFIED, buf + done, n);
        }
        done += (int32_t)n;
    }
    return done;
}

/*
 * Zero copy: map the pieces ahead as guest RAM. The walk runs on the real
 * cursor, which is put back afterwards: the drive steps over what it used
 * with rw_buf(NULL) once it knows how much that is (whole sectors).
 */
static int bmdma_map(void *opaque, struct iovec *iov, int max_iov, int32_t len, bool to_memory,
                     int32_t *mapped)
{
    BMDMAState *bm = opaque;
    uint32_t save_prd = bm->cur_prd, save_addr = bm->cur_addr, save_left = bm->cur_left;
    uint32_t save_count = bm->prd_count;
    bool save_eot = bm->cur_eot, save_done = bm->prd_done;
    int32_t done = 0;
    uint32_t addr, n;
    int niov = 0;

    *mapped = 0;
    if (!bmdma_can_run(bm) || to_memory != !!(bm->cmd & BM_CMD_READ)) {
        return 0; /* rw_buf reports it */
    }
    while (done < len && niov < max_iov &&
           bmdma_next_piece(bm, (uint32_t)(len - done), &addr, &n)) {
        MemoryRegionXlat x;
        hwaddr plen = n;
        void *p;

        /* RAM the device may write (or read): else the bounce path */
        address_space_translate_for_tlb(&address_space_memory, addr, MEMTXATTRS_UNSPECIFIED, &x);
        if (!x.host || (to_memory && x.readonly)) {
            break;
        }
        p = address_space_map(&address_space_memory, addr, &plen, to_memory,
                              MEMTXATTRS_UNSPECIFIED);
        if (!p) {
            break;
        }
        if (p != x.host) {
            /* a bounce buffer after all: not what this path is for */
            address_space_unmap(&address_space_memory, p, plen, to_memory, 0);
            break;
        }
        iov[niov].iov_base = p;
        iov[niov].iov_len = plen;
        niov++;
        done += (int32_t)plen;
        if (plen < n) {
            break; /* the RAM ends inside the piece */
        }
    }
    bm->cur_prd = save_prd;
    bm->cur_addr = save_addr;
    bm->cur_left = save_left;
    bm->prd_count = save_count;
    bm->cur_eot = save_eot;
    bm->prd_done = save_done;
    *mapped = done;
    return niov;
}

static void bmdma_unmap(void *opaque, struct iovec *iov, int niov, bool to_memory, int32_t used)
{
    for (int i = 0; i < niov; i++) {
        size_t access = (size_t)used < iov[i].iov_len ? (size_t)used : iov[i].iov_len;

        address_space_unmap(&address_space_memory, iov[i].iov_base, iov[i].iov_len, to_memory,
                            to_memory ? access : 0);
        used -= (int32_t)access;
    }
}

static void bmdma_transfer_end(void *opaque, bool error)
{
    BMDMAState *bm = opaque;

    /* active stays set if the table was longer than the transfer */
    if (bm->prd_done || error) {
        bm->status &= ~BM_STAT_ACTIVE;
    }
}

static const IDEDMAOps piix_bmdma_ops = {
    .ready = bmdma_ready,
    .rw_buf = bmdma_rw_buf,
    .transfer_end = bmdma_transfer_end,
    .map = bmdma_map,
    .unmap = bmdma_unmap,
};

static void bmdma_write_cmd(BMDMAState *bm, uint8_t val)
{
    uint8_t old = bm->cmd;

    bm->cmd = val & (BM_CMD_START | BM_CMD_READ);
    if (!(old & BM_CMD_START) && (val & BM_CMD_START)) {
        bm->cur_prd = bm->addr;
        bm->cur_left = 0;
        bm->cur_eot = false;
        bm->prd_done = false;
        bm->prd_count = 0;
        bm->status |= BM_STAT_ACTIVE;
        ide_bus_dma_start(&bm->piix->bus[bm->channel]);
    } else if ((old & BM_CMD_START) && !(val & BM_CMD_START)) {
        /* stopping aborts a transfer in progress at its next step */
        bm->status &= ~BM_STAT_ACTIVE;
    }
}

static uint64_t bmdma_read(void *opaque, hwaddr addr, unsigned size)
{
    PIIXIDEState *s = opaque;
    BMDMAState *bm = &s->bmdma[addr >> 3];

    switch (addr & 7) {
    case 0:
        return bm->cmd;
    case 2:
        return bm->status;
    case 4:
    case 5:
    case 6:
    case 7:
        return (bm->addr >> (8 * (addr & 3))) & 0xff;
    default:
        return 0;
    }
}

static void bmdma_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    PIIXIDEState *s = opaque;
    BMDMAState *bm = &s->bmdma[addr >> 3];
    uint8_t v = (uint8_t)data;
    int shift = 8 * (int)(addr & 3);

    switch (addr & 7) {
    case 0:
        bmdma_write_cmd(bm, v);
        break;
    case 2:
        /* error and interrupt are write-1-to-clear, the DMA capable bits plain */
        bm->status = (uint8_t)((bm->status & ~(BM_STAT_DMA0 | BM_STAT_DMA1)) |
                               (v & (BM_STAT_DMA0 | BM_STAT_DMA1)));
        bm->status &= (uint8_t) ~(v & (BM_STAT_ERROR | BM_STAT_INTR));
        break;
    case 4:
    case 5:
    case 6:
    case 7:
        bm->addr = (bm->addr & ~(0xffu << shift)) | ((uint32_t)v << shift);
        bm->addr &= ~3u;
        break;
    default:
        break;
    }
}

static const MemoryRegionOps piix_bmdma_io_ops = {
    .read = bmdma_read,
    .write = bmdma_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

/* INTRQ of a channel: latch the edge in the bus master status, pass on. */
static void piix_ide_chan_irq(void *opaque, int n, int level)
{
    PIIXIDEState *s = opaque;
    BMDMAState *bm = &s->bmdma[n];

    if (level && !bm->irq_level) {
        bm->status |= BM_STAT_INTR;
    }
    bm->irq_level = (uint8_t)(level != 0);
    qemu_set_irq(s->isa_irq[n], level);
}

/* ---- device ---- */

static void piix_ide_instance_init(DeviceState *dev)
{
    PIIXIDEState *s = PIIX_IDE(dev);

    s->chan_irq = qemu_allocate_irqs(piix_ide_chan_irq, s, 2);
    for (int ch = 0; ch < 2; ch++) {
        s->bmdma[ch].piix = s;
        s->bmdma[ch].channel = ch;
        ide_bus_init(&s->bus[ch], s->chan_irq[ch], &piix_bmdma_ops, &s->bmdma[ch]);
    }
    qdev_init_gpio_out_named(dev, s->isa_irq, PIIX_IDE_GPIO_ISA_IRQ, 2);
}

static void piix_ide_instance_finalize(DeviceState *dev)
{
    PIIXIDEState *s = PIIX_IDE(dev);

    qemu_free_irqs(s->chan_irq, 2);
}

static bool piix_ide_realize(DeviceState *dev, Error **errp)
{
    PIIXIDEState *s = PIIX_IDE(dev);
    PCIDevice *pd = &s->parent;
    MemoryRegion *io = pd->bus->address_space_io;

    for (int ch = 0; ch < 2; ch++) {
        memory_region_init_io(&s->cmd_io[ch], s, &piix_cmd_ops, &s->bus[ch],
                              ch ? "piix-ide-cmd-sec" : "piix-ide-cmd-pri", 8);
        memory_region_init_io(&s->ctrl_io[ch], s, &piix_ctrl_ops, &s->bus[ch],
                              ch ? "piix-ide-ctrl-sec" : "piix-ide-ctrl-pri", 1);
        memory_region_set_enabled(&s->cmd_io[ch], false);
        memory_region_set_enabled(&s->ctrl_io[ch], false);
        /* above the floppy controller's 3F0h-3F7h block, which 3F6h overlaps */
        memory_region_add_subregion_overlap(io, piix_cmd_base[ch], &s->cmd_io[ch], 1);
        memory_region_add_subregion_overlap(io, piix_ctrl_base[ch], &s->ctrl_io[ch], 1);
    }
    s->legacy_mapped = true;
    memory_region_init_io(&s->bmdma_io, s, &piix_bmdma_io_ops, s, "piix-bmdma", 16);
    pci_register_bar(pd, 4, PCI_BASE_ADDRESS_SPACE_IO, &s->bmdma_io);
    return true;
}

static void piix_ide_unrealize(DeviceState *dev)
{
    PIIXIDEState *s = PIIX_IDE(dev);
    MemoryRegion *io = s->parent.bus ? s->parent.bus->address_space_io : NULL;

    for (int ch = 0; ch < 2; ch++) {
        for (int u = 0; u < 2; u++) {
            if (s->bus[ch].ifs[u].blk) {
                blk_drain(s->bus[ch].ifs[u].blk);
            }
        }
    }
    if (s->legacy_mapped && io) {
        for (int ch = 0; ch < 2; ch++) {
            memory_region_del_subregion(io, &s->cmd_io[ch]);
            memory_region_del_subregion(io, &s->ctrl_io[ch]);
        }
        for (int ch = 0; ch < 2; ch++) {
            memory_region_finalize(&s->cmd_io[ch]);
            memory_region_finalize(&s->ctrl_io[ch]);
        }
        s->legacy_mapped = false;
    }
}

static void piix_ide_reset(DeviceState *dev)
{
    PIIXIDEState *s = PIIX_IDE(dev);
    PCIDevice *pd = &s->parent;

    pci_set_word(pd->config + PIIX_IDETIM_PRI, PIIX_IDETIM_IDE);
    pci_set_word(pd->config + PIIX_IDETIM_SEC, PIIX_IDETIM_IDE);
    pd->config[0x44] = 0; /* SIDETIM */
    for (int ch = 0; ch < 2; ch++) {
        BMDMAState *bm = &s->bmdma[ch];

        bm->cmd = 0;
        bm->status = 0;
        bm->addr = 0;
        bm->cur_prd = bm->cur_addr = bm->cur_left = bm->prd_count = 0;
        bm->cur_eot = bm->prd_done = false;
        ide_bus_reset(&s->bus[ch]);
        /* firmware marks the attached drives DMA capable */
        for (int u = 0; u < 2; u++) {
            if (s->bus[ch].ifs[u].kind != IDE_NONE) {
                bm->status |= u ? BM_STAT_DMA1 : BM_STAT_DMA0;
            }
        }
    }
    piix_ide_update_decode(s);
}

bool piix_ide_attach_drive(PCIDevice *dev, int channel, int unit, IDEDriveKind kind,
                           BlockBackend *blk, Error **errp)
{
    PIIXIDEState *s = PIIX_IDE(dev);

    if (channel < 0 || channel > 1) {
        error_setg(errp, "IDE channel %d does not exist (0 or 1)", channel);
        return false;
    }
    return ide_bus_attach(&s->bus[channel], unit, kind, blk, NULL, NULL, errp);
}

IDEBus *piix_ide_get_bus(PCIDevice *dev, int channel)
{
    PIIXIDEState *s = PIIX_IDE(dev);

    return channel >= 0 && channel < 2 ? &s->bus[channel] : NULL;
}

/* ---- migration ---- */

static int piix_ide_post_load(void *opaque, int version_id)
{
    PIIXIDEState *s = opaque;

    piix_ide_update_decode(s);
    return 0;
}

static const VMStateDescription vmstate_bmdma = {
    .name = "bmdma",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields =
        (const VMStateField[]){
            VMSTATE_UINT8(cmd, BMDMAState),
            VMSTATE_UINT8(status, BMDMAState),
            VMSTATE_UINT32(addr, BMDMAState),
            VMSTATE_UINT32(cur_prd, BMDMAState),
            VMSTATE_UINT32(cur_addr, BMDMAState),
            VMSTATE_UINT32(cur_left, BMDMAState),
            VMSTATE_BOOL(cur_eot, BMDMAState),
            VMSTATE_BOOL(prd_done, BMDMAState),
            VMSTATE_UINT32(prd_count, BMDMAState),
            VMSTATE_UINT8(irq_level, BMDMAState),
            VMSTATE_END_OF_LIST(),
        },
};

static const VMStateDescription vmstate_piix_ide = {
    .name = "piix3-ide",
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = piix_ide_post_load,
    .fields =
        (const VMStateField[]){
            VMSTATE_PCI_DEVICE(parent, PIIXIDEState),
            VMSTATE_STRUCT_ARRAY(bmdma, PIIXIDEState, 2, 0, vmstate_bmdma, BMDMAState),
            VMSTATE_IDE_BUS_ARRAY(bus, PIIXIDEState, 2),
            VMSTATE_END_OF_LIST(),
        },
};

static const PCIDeviceClass piix_ide_class = {
    .vendor_id = PCI_VENDOR_ID_INTEL,
    .device_id = PCI_DEVICE_ID_INTEL_82371SB_1,
    .class_id = PCI_CLASS_STORAGE_IDE,
    .prog_if = 0x80,
    .config_write = piix_ide_config_write,
};

static const DeviceTypeInfo piix_ide_info = {
    .name = TYPE_PIIX3_IDE,
    .parent = TYPE_PCI_DEVICE,
    .instance_size = sizeof(PIIXIDEState),
    .desc = "Intel PIIX3 IDE controller",
    .category = DEVICE_CATEGORY_STORAGE,
    .class_data = &piix_ide_class,
    .vmsd = &vmstate_piix_ide,
    .instance_init = piix_ide_instance_init,
    .instance_finalize = piix_ide_instance_finalize,
    .realize = piix_ide_realize,
    .unrealize = piix_ide_unrealize,
    .reset = piix_ide_reset,
};
DEVICE_TYPE(piix_ide_info)
