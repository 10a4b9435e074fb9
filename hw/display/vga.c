/*
 * The VGA core: registers, the legacy memory window and the Bochs VBE
 * extension (rendering is in vga-draw.c).
 *
 * Modelled (IBM VGA as documented in the IBM VGA XGA Technical Reference
 * and FreeVGA; Bochs VBE "DISPI" interface as the Bochs/QEMU VGA BIOS
 * drives it):
 *  - ports 0x3b0-0x3df: miscellaneous output (its I/O address select moves
 *    the CRTC and input status 1 between 0x3b4/0x3ba and 0x3d4/0x3da),
 *    feature control, input status 0/1 (status 1's display-enable and
 *    vertical-retrace bits toggle on each read, so polling loops end; a
 *    read also resets the attribute flip-flop), the sequencer, the graphics
 *    controller, the attribute controller with its index/data flip-flop and
 *    palette address source bit, the CRTC with the protect bit (CR11 bit 7
 *    locks CR0-CR7 except CR7 bit 4), the DAC with its read/write indexes,
 *    three-byte cycle, state register and pixel mask;
 *  - the window 0xa0000-0xbffff decoded by the GR6 memory map: four planes,
 *    chain-4, odd/even, sequential planar access with the map mask, the
 *    latches, write modes 0-3 (rotate, set/reset, enable set/reset, logical
 *    function, bit mask), read modes 0-1 (colour compare, colour don't
 *    care);
 *  - VBE: ID (0xb0c0-0xb0c5), XRES/YRES/BPP (8, 15, 16, 24, 32), ENABLE
 *    (GETCAPS, 8BIT_DAC, LFB_ENABLED, NOCLEARMEM), BANK (64 KiB banks in
 *    the window), VIRT_WIDTH/HEIGHT, X/Y_OFFSET, VIDEO_MEMORY_64K; the
 *    linear framebuffer is the vram region itself.
 * Not modelled: the CGA/Hercules compatibility address bits (CR17 bits
 * 0-1), light pen, the 4 bpp VBE mode, VBE on a big-endian framebuffer.
 *
 * Reset puts the card in mode 3 (80x25 colour text) as the VGA BIOS
 * leaves it, with the code page 437 font in plane 2 and a blank screen, so
 * a kernel booted without a BIOS (or a test) finds a usable text console.
 *
 * Guest mistakes (bad indexes, bad VBE values) are logged under
 * LOG_GUEST_ERROR and ignored, as the hardware ignores them.
 */
#include <stdlib.h>
#include <string.h>

#include "hw/display/vga.h"
#include "util/log.h"

/* Register read masks: bits not implemented read as 0. */
static const uint8_t sr_mask[8] = { 0x03, 0x3d, 0x0f, 0x3f, 0x0e, 0x00, 0x00, 0x00 };
static const uint8_t gr_mask[16] = { 0x0f, 0x0f, 0x0f, 0x1f, 0x03, 0x7b, 0x0f, 0x0f, 0xff };

/* Every byte of the result is 0xff where bit n of a nibble is set. */
static const uint32_t expand4[16] = {
    0x00000000, 0x000000ff, 0x0000ff00, 0x0000ffff, 0x00ff0000, 0x00ff00ff, 0x00ffff00, 0x00ffffff,
    0xff000000, 0xff0000ff, 0xff00ff00, 0xff00ffff, 0xffff0000, 0xffff00ff, 0xffffff00, 0xffffffff,
};

/* Mode 3 as the VGA BIOS programs it (IBM VGA BIOS parameter table). */
static const uint8_t mode3_sr[VGA_SEQ_COUNT] = { 0x03, 0x00, 0x03, 0x00, 0x02 };
static const uint8_t mode3_gr[VGA_GFX_COUNT] = { 0x00, 0x00, 0x00, 0x00, 0x00,
                                                 0x10, 0x0e, 0x00, 0xff };
static const uint8_t mode3_ar[VGA_ATTR_COUNT] = { 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14,
                                                  0x07, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d,
                                                  0x3e, 0x3f, 0x0c, 0x00, 0x0f, 0x08, 0x00 };
static const uint8_t mode3_cr[VGA_CRTC_COUNT] = { 0x5f, 0x4f, 0x50, 0x82, 0x55, 0x81, 0xbf,
                                                  0x1f, 0x00, 0x4f, 0x0d, 0x0e, 0x00, 0x00,
                                                  0x00, 0x00, 0x9c, 0x8e, 0x8f, 0x28, 0x1f,
                                                  0x96, 0xb9, 0xa3, 0xff };

static inline bool vga_color_io(const VGACommonState *s)
{
    return s->misc_output & 0x01;
}

bool vbe_enabled(const VGACommonState *s)
{
    return s->vbe_regs[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_ENABLED;
}

static void vga_mark_vram_dirty(VGACommonState *s, hwaddr off, hwaddr len)
{
    memory_region_set_dirty(&s->vram, off, len);
}

/* ---- registers ---- */

static uint32_t vga_st01_read(VGACommonState *s)
{
    /* No raster timing is modelled: toggle display-enable and vertical
     * retrace so that "wait for retrace" and "wait for display" loops
     * both finish. */
    s->st01 ^= 0x09;
    s->ar_flip_flop = false;
    return s->st01;
}

uint32_t vga_ioport_read(VGACommonState *s, uint32_t addr)
{
    uint32_t val = 0xff;

    /* the CRTC/status registers answer at one of the two bases only */
    if ((addr >= 0x3b0 && addr <= 0x3bf && vga_color_io(s)) ||
        (addr >= 0x3d0 && addr <= 0x3df && !vga_color_io(s))) {
        return 0xff;
    }
    switch (addr) {
    case 0x3c0:
        val = s->ar_index;
        break;
    case 0x3c1:
        val = (s->ar_index & 0x1f) < VGA_ATTR_COUNT ? s->ar[s->ar_index & 0x1f] : 0;
        break;
    case 0x3c2:
        val = 0x10; /* input status 0: switch sense (a colour monitor) */
        break;
    case 0x3c4:
        val = s->sr_index;
        break;
    case 0x3c5:
        val = s->sr[s->sr_index & 7] & sr_mask[s->sr_index & 7];
        break;
    case 0x3c6:
        val = s->pel_mask;
        break;
    case 0x3c7:
        val = s->dac_state;
        break;
    case 0x3c8:
        val = s->dac_write_index;
        break;
    case 0x3c9:
        val = s->palette[s->dac_read_index * 3 + s->dac_sub_index];
        if (++s->dac_sub_index == 3) {
            s->dac_sub_index = 0;
            s->dac_read_index++;
        }
        break;
    case 0x3ca:
        val = s->feature_ctrl;
        break;
    case 0x3cc:
        val = s->misc_output;
        break;
    case 0x3ce:
        val = s->gr_index;
        break;
    case 0x3cf:
        val = s->gr[s->gr_index & 0x0f] & gr_mask[s->gr_index & 0x0f];
        break;
    case 0x3b4:
    case 0x3d4:
        val = s->cr_index;
        break;
    case 0x3b5:
    case 0x3d5:
        val = s->cr_index < VGA_CRTC_COUNT ? s->cr[s->cr_index] : 0xff;
        break;
    case 0x3ba:
    case 0x3da:
        val = vga_st01_read(s);
        break;
    default:
        break;
    }
    return val;
}

static void vga_attr_write(VGACommonState *s, uint8_t val)
{
    unsigned index;

    if (!s->ar_flip_flop) {
        /* a change of the palette address source may blank or show */
        if ((val ^ s->ar_index) & 0x20) {
            s->full_update = true;
        }
        s->ar_index = val & 0x3f;
        s->ar_flip_flop = true;
        return;
    }
    s->ar_flip_flop = false;
    index = s->ar_index & 0x1f;
    if (index >= VGA_ATTR_COUNT) {
        log_mask_printf(LOG_GUEST_ERROR, "vga: attribute register %#x does not exist\n", index);
        return;
    }
    if (index < 0x10 && (s->ar_index & 0x20)) {
        /* the palette is locked while the display reads it */
        log_mask_printf(LOG_GUEST_ERROR, "vga: palette register %#x written with PAS set\n", index);
        return;
    }
    switch (index) {
    case 0x10:
        val &= 0xef;
        break;
    case 0x12:
    case 0x13:
    case 0x14:
        val &= 0x0f;
        break;
    case 0x11:
        break;
    default:
        val &= 0x3f;
        break;
    }
    if (s->ar[index] != val) {
        s->full_update = true;
    }
    s->ar[index] = val;
}

static void vga_dac_write(VGACommonState *s, uint8_t val)
{
    bool dac8 = s->vbe_regs[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_8BIT_DAC;

    s->dac_cache[s->dac_sub_index] = dac8 ? val : (val & 0x3f);
    if (++s->dac_sub_index == 3) {
        /* the renderer notices the new colour by comparing palettes */
        memcpy(&s->palette[s->dac_write_index * 3], s->dac_cache, 3);
        s->dac_sub_index = 0;
        s->dac_write_index++;
    }
}

void vga_ioport_write(VGACommonState *s, uint32_t addr, uint32_t val)
{
    unsigned index;

    val &= 0xff;
    if ((addr >= 0x3b0 && addr <= 0x3bf && vga_color_io(s)) ||
        (addr >= 0x3d0 && addr <= 0x3df && !vga_color_io(s))) {
        return;
    }
    switch (addr) {
    case 0x3c0:
        vga_attr_write(s, val);
        break;
    case 0x3c2:
        s->misc_output = val & ~0x10;
        break;
    case 0x3c3:
        break; /* video subsystem enable: always enabled */
    case 0x3c4:
        s->sr_index = val & 7;
        break;
    case 0x3c5:
        index = s->sr_index & 7;
        if (index >= VGA_SEQ_COUNT) {
            log_mask_printf(LOG_GUEST_ERROR, "vga: sequencer register %#x does not exist\n", index);
            break;
        }
        /* clocking mode and character map select change the picture */
        if ((index == 1 || index == 3) && s->sr[index] != (val & sr_mask[index])) {
            s->full_update = true;
        }
        s->sr[index] = val & sr_mask[index];
        break;
    case 0x3c6:
        s->pel_mask = val; /* the renderer compares the resulting colours */
        break;
    case 0x3c7:
        s->dac_read_index = val;
        s->dac_sub_index = 0;
        s->dac_state = 3;
        break;
    case 0x3c8:
        s->dac_write_index = val;
        s->dac_sub_index = 0;
        s->dac_state = 0;
        break;
    case 0x3c9:
        vga_dac_write(s, val);
        break;
    case 0x3ce:
        s->gr_index = val & 0x0f;
        break;
    case 0x3cf:
        index = s->gr_index & 0x0f;
        if (index >= VGA_GFX_COUNT) {
            log_mask_printf(LOG_GUEST_ERROR, "vga: graphics register %#x does not exist\n", index);
            break;
        }
        /* the shift modes and graphics/text select change the picture; the
         * rest only steers memory accesses */
        if ((index == 5 && ((s->gr[5] ^ val) & 0x60)) || (index == 6 && ((s->gr[6] ^ val) & 1))) {
            s->full_update = true;
        }
        s->gr[index] = val & gr_mask[index];
        break;
    case 0x3b4:
    case 0x3d4:
        s->cr_index = val;
        break;
    case 0x3b5:
    case 0x3d5:
        index = s->cr_index;
        if (index >= VGA_CRTC_COUNT) {
            log_mask_printf(LOG_GUEST_ERROR, "vga: CRTC register %#x does not exist\n", index);
            break;
        }
        if ((s->cr[0x11] & 0x80) && index <= 7) {
            /* protected; only the line compare bit 8 in CR7 stays writable */
            if (index == 7) {
                s->cr[7] = (s->cr[7] & ~0x10) | (val & 0x10);
            }
            break;
        }
        /* the cursor is tracked by the text renderer itself */
        if (index != 0x0a && index != 0x0b && index != 0x0e && index != 0x0f &&
            s->cr[index] != val) {
            s->full_update = true;
        }
        s->cr[index] = val;
        break;
    case 0x3ba:
    case 0x3da:
        s->feature_ctrl = val & 0x03;
        break;
    default:
        break;
    }
}

/* ---- the legacy window ---- */

/*
 * Where addr (offset from 0xa0000) lands: the plane offset and the planes
 * a write may touch / the plane a read returns. false if the GR6 memory
 * map does not decode addr.
 */
static bool vga_mem_decode(VGACommonState *s, hwaddr addr, bool is_write, uint32_t *off,
                           unsigned *planes, unsigned *read_plane)
{
    bool odd_even;

    switch ((s->gr[6] >> 2) & 3) {
    case 0:
        break;
    case 1:
        if (addr >= 0x10000) {
            return false;
        }
        break;
    case 2:
        if (addr < 0x10000 || addr >= 0x18000) {
            return false;
        }
        addr -= 0x10000;
        break;
    case 3:
        if (addr < 0x18000) {
            return false;
        }
        addr -= 0x18000;
        break;
    }
    /* writes follow the sequencer's memory mode, reads the graphics
     * controller's (they normally agree) */
    odd_even = is_write ? !(s->sr[4] & 0x04) : (s->gr[5] & 0x10);
    if (s->sr[4] & 0x08) {
        /* chain 4: the low two address bits pick the plane */
        *off = addr >> 2;
        *planes = 1u << (addr & 3);
        *read_plane = addr & 3;
    } else if (odd_even) {
        /* odd/even: bit 0 picks planes 0/2 or 1/3, the offset is even */
        *off = addr & ~(hwaddr)1;
        *planes = (addr & 1) ? 0x0a : 0x05;
        *read_plane = (s->gr[4] & 2) | (addr & 1);
    } else {
        *off = addr;
        *planes = 0x0f;
        *read_plane = s->gr[4] & 3;
    }
    return true;
}

static uint32_t vbe_bank_offset(VGACommonState *s, hwaddr addr)
{
    return (uint32_t)s->vbe_regs[VBE_DISPI_INDEX_BANK] * 0x10000 + (uint32_t)(addr & 0xffff);
}

uint8_t vga_mem_readb(VGACommonState *s, hwaddr addr)
{
    uint32_t off, *planes32;
    unsigned planes, plane;

    if (vbe_enabled(s)) {
        off = vbe_bank_offset(s, addr);
        return addr < 0x10000 && off < s->vram_size ? s->vram_ptr[off] : 0xff;
    }
    if (!vga_mem_decode(s, addr, false, &off, &planes, &plane)) {
        return 0xff;
    }
    planes32 = (uint32_t *)s->vram_ptr;
    s->latch = planes32[off];
    if (!(s->gr[5] & 0x08)) {
        return s->latch >> (plane * 8);
    }
    /* read mode 1: 1 where every plane not ignored matches the colour */
    {
        uint32_t care = expand4[s->gr[7] & 0x0f];
        uint32_t diff = (s->latch ^ expand4[s->gr[2] & 0x0f]) & care;

        diff |= diff >> 16;
        diff |= diff >> 8;
        return ~diff & 0xff;
    }
}

void vga_mem_writeb(VGACommonState *s, hwaddr addr, uint8_t val)
{
    uint32_t off, data, bitmask, set_reset, *planes32;
    unsigned planes, plane, rot, func;

    if (vbe_enabled(s)) {
        off = vbe_bank_offset(s, addr);
        if (addr < 0x10000 && off < s->vram_size) {
            s->vram_ptr[off] = val;
            vga_mark_vram_dirty(s, off, 1);
        }
        return;
    }
    if (!vga_mem_decode(s, addr, true, &off, &planes, &plane)) {
        return;
    }
    planes &= s->sr[2];
    if (!planes) {
        return;
    }
    rot = s->gr[3] & 7;
    func = (s->gr[3] >> 3) & 3;
    bitmask = s->gr[8];
    set_reset = expand4[s->gr[0] & 0x0f];
    switch (s->gr[5] & 3) {
    case 0:
        val = (uint8_t)((val >> rot) | (val << (8 - rot)));
        data = val * 0x01010101u;
        /* planes with set/reset enabled take the set/reset value */
        data = (data & ~expand4[s->gr[1] & 0x0f]) | (set_reset & expand4[s->gr[1] & 0x0f]);
        break;
    case 1:
        data = s->latch; /* the latches are written unchanged */
        func = 0;
        bitmask = 0xff;
        break;
    case 2:
        data = expand4[val & 0x0f];
        break;
    default: /* 3 */
        val = (uint8_t)((val >> rot) | (val << (8 - rot)));
        bitmask &= val;
        data = set_reset;
        break;
    }
    switch (func) {
    case 1:
        data &= s->latch;
        break;
    case 2:
        data |= s->latch;
        break;
    case 3:
        data ^= s->latch;
        break;
    default:
        break;
    }
    bitmask *= 0x01010101u;
    data = (data & bitmask) | (s->latch & ~bitmask);
    planes32 = (uint32_t *)s->vram_ptr;
    planes32[off] = (planes32[off] & ~expand4[planes]) | (data & expand4[planes]);
    vga_mark_vram_dirty(s, (hwaddr)off * 4, 4);
}

static uint64_t vga_lowmem_read(void *opaque, hwaddr addr, unsigned size)
{
    return vga_mem_readb(opaque, addr);
}

static void vga_lowmem_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    vga_mem_writeb(opaque, addr, val);
}

static const MemoryRegionOps vga_lowmem_ops = {
    .read = vga_lowmem_read,
    .write = vga_lowmem_write,
    .valid = { .min_access_size = 1, .max_access_size = 8 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

static uint64_t vga_port_read(void *opaque, hwaddr addr, unsigned size)
{
    return vga_ioport_read(opaque, 0x3b0 + addr);
}

static void vga_port_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    vga_ioport_write(opaque, 0x3b0 + addr, val);
}

static const MemoryRegionOps vga_port_ops = {
    .read = vga_port_read,
    .write = vga_port_write,
    .valid = { .min_access_size = 1, .max_access_size = 2 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

/* ---- Bochs VBE ---- */

static unsigned vbe_bytes_pp(const VGACommonState *s)
{
    return (s->vbe_regs[VBE_DISPI_INDEX_BPP] + 7) / 8;
}

static bool vbe_bpp_valid(uint16_t bpp)
{
    return bpp == 8 || bpp == 15 || bpp == 16 || bpp == 24 || bpp == 32;
}

/* Recompute VIRT_HEIGHT from the virtual width and the memory size. */
static void vbe_update_virt_height(VGACommonState *s)
{
    uint32_t line = s->vbe_regs[VBE_DISPI_INDEX_VIRT_WIDTH] * vbe_bytes_pp(s);
    uint32_t h = line ? s->vram_size / line : 0;

    s->vbe_regs[VBE_DISPI_INDEX_VIRT_HEIGHT] = h > 0xffff ? 0xffff : h;
}

/* Set up the mode in XRES/YRES/BPP; false (and nothing changed) if it does
 * not fit in the video memory. */
static bool vbe_enable(VGACommonState *s, uint16_t val)
{
    uint32_t xres = s->vbe_regs[VBE_DISPI_INDEX_XRES];
    uint32_t yres = s->vbe_regs[VBE_DISPI_INDEX_YRES];
    uint32_t line;

    if (!vbe_bpp_valid(s->vbe_regs[VBE_DISPI_INDEX_BPP])) {
        s->vbe_regs[VBE_DISPI_INDEX_BPP] = 8;
    }
    line = xres * vbe_bytes_pp(s);
    if (!xres || !yres || (uint64_t)line * yres > s->vram_size) {
        log_mask_printf(LOG_GUEST_ERROR,
                        "vga: VBE mode %ux%ux%u does not fit in %u bytes of video memory\n", xres,
                        yres, s->vbe_regs[VBE_DISPI_INDEX_BPP], s->vram_size);
        return false;
    }
    s->vbe_regs[VBE_DISPI_INDEX_VIRT_WIDTH] = xres;
    s->vbe_regs[VBE_DISPI_INDEX_X_OFFSET] = 0;
    s->vbe_regs[VBE_DISPI_INDEX_Y_OFFSET] = 0;
    s->vbe_regs[VBE_DISPI_INDEX_BANK] = 0;
    vbe_update_virt_height(s);
    if (!(val & VBE_DISPI_NOCLEARMEM)) {
        memset(s->vram_ptr, 0, (size_t)line * yres);
        vga_mark_vram_dirty(s, 0, (hwaddr)line * yres);
    }
    /* the VGA side: graphics mode, the window at 0xa0000 (64 KiB) */
    s->gr[6] = (s->gr[6] & ~0x0c) | 0x05;
    s->sr[4] |= 0x08;
    return true;
}

void vbe_write_reg(VGACommonState *s, unsigned index, uint16_t val)
{
    bool was_enabled = vbe_enabled(s);

    if (index >= VBE_DISPI_INDEX_NB) {
        log_mask_printf(LOG_GUEST_ERROR, "vga: VBE register %#x does not exist\n", index);
        return;
    }
    switch (index) {
    case VBE_DISPI_INDEX_ID:
        if (val >= VBE_DISPI_ID0 && val <= VBE_DISPI_ID5) {
            s->vbe_regs[index] = val;
        } else {
            log_mask_printf(LOG_GUEST_ERROR, "vga: VBE ID %#x not supported\n", val);
        }
        return;
    case VBE_DISPI_INDEX_XRES:
        if (!val || val > VBE_DISPI_MAX_XRES || (val & 7)) {
            log_mask_printf(LOG_GUEST_ERROR, "vga: VBE XRES %u invalid\n", val);
            return;
        }
        break;
    case VBE_DISPI_INDEX_YRES:
        if (!val || val > VBE_DISPI_MAX_YRES) {
            log_mask_printf(LOG_GUEST_ERROR, "vga: VBE YRES %u invalid\n", val);
            return;
        }
        break;
    case VBE_DISPI_INDEX_BPP:
        if (val == 0) {
            val = 8;
        }
        if (!vbe_bpp_valid(val)) {
            log_mask_printf(LOG_GUEST_ERROR, "vga: VBE BPP %u not supported\n", val);
            return;
        }
        break;
    case VBE_DISPI_INDEX_BANK:
        if ((uint32_t)val * 0x10000 >= s->vram_size) {
            log_mask_printf(LOG_GUEST_ERROR, "vga: VBE bank %u beyond video memory\n", val);
            val &= s->vram_size / 0x10000 - 1;
        }
        s->vbe_regs[index] = val;
        return;
    case VBE_DISPI_INDEX_ENABLE:
        if ((val & VBE_DISPI_ENABLED) && !was_enabled && !vbe_enable(s, val)) {
            return;
        }
        s->vbe_regs[index] = val & (VBE_DISPI_ENABLED | VBE_DISPI_GETCAPS | VBE_DISPI_8BIT_DAC |
                                    VBE_DISPI_LFB_ENABLED | VBE_DISPI_NOCLEARMEM);
        s->full_update = true;
        return;
    case VBE_DISPI_INDEX_VIRT_WIDTH:
        if (val < s->vbe_regs[VBE_DISPI_INDEX_XRES] ||
            (uint64_t)val * vbe_bytes_pp(s) * s->vbe_regs[VBE_DISPI_INDEX_YRES] > s->vram_size) {
            log_mask_printf(LOG_GUEST_ERROR, "vga: VBE virtual width %u invalid\n", val);
            return;
        }
        s->vbe_regs[index] = val;
        vbe_update_virt_height(s);
        s->full_update = true;
        return;
    case VBE_DISPI_INDEX_VIRT_HEIGHT:
    case VBE_DISPI_INDEX_VIDEO_MEMORY_64K:
        log_mask_printf(LOG_GUEST_ERROR, "vga: VBE register %#x is read-only\n", index);
        return;
    case VBE_DISPI_INDEX_X_OFFSET:
    case VBE_DISPI_INDEX_Y_OFFSET:
        s->vbe_regs[index] = val;
        s->full_update = true;
        return;
    }
    /* XRES, YRES, BPP: take effect now if a mode is on */
    s->vbe_regs[index] = val;
    if (was_enabled) {
        if (s->vbe_regs[VBE_DISPI_INDEX_VIRT_WIDTH] < s->vbe_regs[VBE_DISPI_INDEX_XRES]) {
            s->vbe_regs[VBE_DISPI_INDEX_VIRT_WIDTH] = s->vbe_regs[VBE_DISPI_INDEX_XRES];
        }
        vbe_update_virt_height(s);
        s->full_update = true;
    }
}

uint16_t vbe_read_reg(VGACommonState *s, unsigned index)
{
    bool caps = s->vbe_regs[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_GETCAPS;

    if (index >= VBE_DISPI_INDEX_NB) {
        log_mask_printf(LOG_GUEST_ERROR, "vga: VBE register %#x does not exist\n", index);
        return 0;
    }
    switch (index) {
    case VBE_DISPI_INDEX_XRES:
        return caps ? VBE_DISPI_MAX_XRES : s->vbe_regs[index];
    case VBE_DISPI_INDEX_YRES:
        return caps ? VBE_DISPI_MAX_YRES : s->vbe_regs[index];
    case VBE_DISPI_INDEX_BPP:
        return caps ? VBE_DISPI_MAX_BPP : s->vbe_regs[index];
    case VBE_DISPI_INDEX_VIDEO_MEMORY_64K:
        return s->vram_size >> 16;
    default:
        return s->vbe_regs[index];
    }
}

/* Ports 0x1ce (index) and 0x1cf (data; 0x1d0 also, as on Bochs' non-x86
 * targets). */
static uint64_t vbe_port_read(void *opaque, hwaddr addr, unsigned size)
{
    VGACommonState *s = opaque;

    if (addr == 0) {
        return s->vbe_index;
    }
    return vbe_read_reg(s, s->vbe_index);
}

static void vbe_port_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    VGACommonState *s = opaque;

    if (addr == 0) {
        s->vbe_index = val;
        return;
    }
    vbe_write_reg(s, s->vbe_index, val);
}

static const MemoryRegionOps vbe_port_ops = {
    .read = vbe_port_read,
    .write = vbe_port_write,
    .valid = { .min_access_size = 1, .max_access_size = 2, .unaligned = true },
    .impl = { .min_access_size = 1, .max_access_size = 2, .unaligned = true },
};

/* ---- life cycle ---- */

static const GraphicHwOps vga_console_ops = {
    .gfx_update = vga_update_display,
    .invalidate = vga_invalidate_display,
    .text_get = vga_get_text,
};

bool vga_common_init(VGACommonState *s, void *owner, Error **errp)
{
    uint32_t mb = s->vram_size_mb;

    if (mb < 1 || mb > 256 || (mb & (mb - 1))) {
        error_setg(errp, "vgamem_mb must be a power of two from 1 to 256, not %u", mb);
        return false;
    }
    s->owner = owner;
    s->vram_size = mb << 20;
    if (!memory_region_init_ram(&s->vram, owner, "vga.vram", s->vram_size, errp)) {
        return false;
    }
    s->vram_ptr = memory_region_get_ram_ptr(&s->vram);
    memory_region_init_io(&s->lowmem, owner, &vga_lowmem_ops, s, "vga-lowmem", VGA_LEGACY_SIZE);
    memory_region_init_io(&s->ioports, owner, &vga_port_ops, s, "vga", 0x30);
    memory_region_init_io(&s->vbe_ports, owner, &vbe_port_ops, s, "vbe", 4);
    s->con = graphic_console_init(owner, &vga_console_ops, s);
    s->full_update = true;
    s->last_cursor_offset = -1;
    return true;
}

void vga_common_fini(VGACommonState *s)
{
    graphic_console_close(s->con);
    s->con = NULL;
    free(s->text_cache);
    s->text_cache = NULL;
    memory_region_finalize(&s->vbe_ports);
    memory_region_finalize(&s->ioports);
    memory_region_finalize(&s->lowmem);
    memory_region_finalize(&s->vram);
    s->vram_ptr = NULL;
}

void vga_map_legacy(VGACommonState *s, MemoryRegion *mem, MemoryRegion *io)
{
    memory_region_transaction_begin();
    memory_region_add_subregion_overlap(mem, VGA_LEGACY_BASE, &s->lowmem, 1);
    memory_region_add_subregion(io, 0x3b0, &s->ioports);
    memory_region_add_subregion(io, VBE_DISPI_IOPORT_INDEX, &s->vbe_ports);
    memory_region_transaction_commit();
}

void vga_unmap_legacy(VGACommonState *s, MemoryRegion *mem, MemoryRegion *io)
{
    memory_region_transaction_begin();
    memory_region_del_subregion(mem, &s->lowmem);
    memory_region_del_subregion(io, &s->ioports);
    memory_region_del_subregion(io, &s->vbe_ports);
    memory_region_transaction_commit();
}

/* The 64-colour EGA palette the BIOS loads for text modes: bits 0-2 are
 * blue, green, red at 2/3 intensity, bits 3-5 the same at 1/3. */
static void vga_load_default_palette(VGACommonState *s)
{
    memset(s->palette, 0, sizeof(s->palette));
    for (int i = 0; i < 64; i++) {
        uint8_t *p = &s->palette[i * 3];

        p[0] = ((i >> 2) & 1) * 0x2a + ((i >> 5) & 1) * 0x15;
        p[1] = ((i >> 1) & 1) * 0x2a + ((i >> 4) & 1) * 0x15;
        p[2] = (i & 1) * 0x2a + ((i >> 3) & 1) * 0x15;
    }
}

void vga_common_reset(VGACommonState *s)
{
    uint32_t *planes32 = (uint32_t *)s->vram_ptr;

    s->misc_output = 0x67;
    s->feature_ctrl = 0;
    s->st01 = 0;
    memset(s->sr, 0, sizeof(s->sr));
    memcpy(s->sr, mode3_sr, sizeof(mode3_sr));
    memset(s->gr, 0, sizeof(s->gr));
    memcpy(s->gr, mode3_gr, sizeof(mode3_gr));
    memcpy(s->ar, mode3_ar, sizeof(mode3_ar));
    memset(s->cr, 0, sizeof(s->cr));
    memcpy(s->cr, mode3_cr, sizeof(mode3_cr));
    s->sr_index = s->gr_index = s->cr_index = 0;
    s->ar_index = 0x20; /* display on */
    s->ar_flip_flop = false;
    s->dac_state = 0;
    s->dac_read_index = s->dac_write_index = s->dac_sub_index = 0;
    memset(s->dac_cache, 0, sizeof(s->dac_cache));
    s->pel_mask = 0xff;
    vga_load_default_palette(s);
    s->latch = 0;
    s->vbe_index = 0;
    memset(s->vbe_regs, 0, sizeof(s->vbe_regs));
    s->vbe_regs[VBE_DISPI_INDEX_ID] = VBE_DISPI_ID5;
    s->vbe_regs[VBE_DISPI_INDEX_BPP] = 8;

    /* blank screen (space, light grey on black) and the font in map 0 */
    for (uint32_t off = 0; off < 0x10000; off++) {
        planes32[off] = (off & 1) ? 0 : 0x00000720u; /* plane 0 char, plane 1 attr */
    }
    for (int ch = 0; ch < 256; ch++) {
        for (int line = 0; line < 32; line++) {
            s->vram_ptr[(ch * 32 + line) * 4 + 2] = line < 16 ? vga_font_8x16[ch * 16 + line] : 0;
        }
    }
    vga_mark_vram_dirty(s, 0, 0x40000);
    s->full_update = true;
}

/* ---- VMState ---- */

static int vga_post_load(void *opaque, int version_id)
{
    VGACommonState *s = opaque;

    s->full_update = true;
    return 0;
}

const VMStateDescription vmstate_vga_common = {
    .name = "vga",
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = vga_post_load,
    .fields =
        (const VMStateField[]){
            VMSTATE_UINT32_EQUAL(vram_size, VGACommonState),
            VMSTATE_UINT8(misc_output, VGACommonState),
            VMSTATE_UINT8(feature_ctrl, VGACommonState),
            VMSTATE_UINT8(st01, VGACommonState),
            VMSTATE_UINT8(sr_index, VGACommonState),
            VMSTATE_UINT8_ARRAY(sr, VGACommonState, 8),
            VMSTATE_UINT8(gr_index, VGACommonState),
            VMSTATE_UINT8_ARRAY(gr, VGACommonState, 16),
            VMSTATE_UINT8(ar_index, VGACommonState),
            VMSTATE_BOOL(ar_flip_flop, VGACommonState),
            VMSTATE_UINT8_ARRAY(ar, VGACommonState, VGA_ATTR_COUNT),
            VMSTATE_UINT8(cr_index, VGACommonState),
            VMSTATE_UINT8_ARRAY(cr, VGACommonState, 256),
            VMSTATE_UINT8(dac_state, VGACommonState),
            VMSTATE_UINT8(dac_read_index, VGACommonState),
            VMSTATE_UINT8(dac_write_index, VGACommonState),
            VMSTATE_UINT8(dac_sub_index, VGACommonState),
            VMSTATE_UINT8_ARRAY(dac_cache, VGACommonState, 3),
            VMSTATE_UINT8(pel_mask, VGACommonState),
            VMSTATE_UINT8_ARRAY(palette, VGACommonState, 768),
            VMSTATE_UINT32(latch, VGACommonState),
            VMSTATE_UINT16(vbe_index, VGACommonState),
            VMSTATE_UINT16_ARRAY(vbe_regs, VGACommonState, VBE_DISPI_INDEX_NB),
            VMSTATE_END_OF_LIST(),
        },
};
