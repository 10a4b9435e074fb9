/*
 * The VGA core shared by the VGA devices (vga-pci.c's "VGA"): registers,
 * video memory, the Bochs VBE extension, and rendering into a display
 * console. A device embeds a VGACommonState, calls vga_common_init() in
 * realize, maps the regions it exposes (the legacy ports and memory
 * window with vga_map_legacy(), the linear framebuffer `vram` in a BAR),
 * resets it with vga_common_reset() and includes vmstate_vga_common in its
 * vmsd.
 *
 * Video memory: vram is a RAM region of vram_size bytes (so guest writes
 * through the linear framebuffer set DIRTY_MEMORY_VGA like any RAM). The
 * four VGA planes are interleaved in it: byte `off` of plane `p` is
 * vram[off * 4 + p], so chain-4 (mode 13h) and VBE modes see it as linear
 * memory.
 *
 * Locking: everything runs under the big lock.
 */
#ifndef HW_DISPLAY_VGA_H
#define HW_DISPLAY_VGA_H

#include <stdbool.h>
#include <stdint.h>

#include "exec/memory.h"
#include "migration/vmstate.h"
#include "ui/console.h"

/* Bochs VBE "DISPI" interface: index port 0x1ce, data port 0x1cf. */
#define VBE_DISPI_IOPORT_INDEX 0x1ce
#define VBE_DISPI_IOPORT_DATA  0x1cf

#define VBE_DISPI_INDEX_ID               0x0
#define VBE_DISPI_INDEX_XRES             0x1
#define VBE_DISPI_INDEX_YRES             0x2
#define VBE_DISPI_INDEX_BPP              0x3
#define VBE_DISPI_INDEX_ENABLE           0x4
#define VBE_DISPI_INDEX_BANK             0x5
#define VBE_DISPI_INDEX_VIRT_WIDTH       0x6
#define VBE_DISPI_INDEX_VIRT_HEIGHT      0x7
#define VBE_DISPI_INDEX_X_OFFSET         0x8
#define VBE_DISPI_INDEX_Y_OFFSET         0x9
#define VBE_DISPI_INDEX_VIDEO_MEMORY_64K 0xa
#define VBE_DISPI_INDEX_NB               0xb

#define VBE_DISPI_ID0 0xb0c0
#define VBE_DISPI_ID5 0xb0c5

#define VBE_DISPI_DISABLED    0x00
#define VBE_DISPI_ENABLED     0x01
#define VBE_DISPI_GETCAPS     0x02
#define VBE_DISPI_8BIT_DAC    0x20
#define VBE_DISPI_LFB_ENABLED 0x40
#define VBE_DISPI_NOCLEARMEM  0x80

#define VBE_DISPI_MAX_XRES 2560
#define VBE_DISPI_MAX_YRES 1600
#define VBE_DISPI_MAX_BPP  32

/* The legacy window: 0xa0000-0xbffff. */
#define VGA_LEGACY_BASE 0xa0000
#define VGA_LEGACY_SIZE 0x20000

/* Register file sizes. */
#define VGA_SEQ_COUNT  5
#define VGA_GFX_COUNT  9
#define VGA_ATTR_COUNT 21
#define VGA_CRTC_COUNT 25

/* What the renderer is showing (not guest state). */
typedef enum VGADrawMode {
    VGA_DRAW_NONE,
    VGA_DRAW_TEXT,
    VGA_DRAW_PLANAR16, /* 16-colour planar graphics */
    VGA_DRAW_CHAIN4,   /* 256 colours, one byte per pixel */
    VGA_DRAW_VBE,
} VGADrawMode;

typedef struct VGACommonState {
    /* configuration */
    uint32_t vram_size_mb; /* the device's "vgamem_mb" property */
    uint32_t vram_size;
    void *owner;

    /* memory */
    MemoryRegion vram; /* the video memory (RAM) */
    uint8_t *vram_ptr;
    MemoryRegion lowmem;    /* 0xa0000-0xbffff, decoded by the GR6 map */
    MemoryRegion ioports;   /* 0x3b0-0x3df */
    MemoryRegion vbe_ports; /* 0x1ce-0x1cf */

    /* general registers */
    uint8_t misc_output;
    uint8_t feature_ctrl;
    uint8_t st01; /* input status 1: the retrace bits toggle on each read */

    /* indexed register files */
    uint8_t sr_index;
    uint8_t sr[8];
    uint8_t gr_index;
    uint8_t gr[16];
    uint8_t ar_index;  /* bits 0-4 index, bit 5 palette address source */
    bool ar_flip_flop; /* false: next 0x3c0 write is the index */
    uint8_t ar[VGA_ATTR_COUNT];
    uint8_t cr_index;
    uint8_t cr[256];

    /* DAC */
    uint8_t dac_state; /* 0: last index write was the read index, 3: write */
    uint8_t dac_read_index;
    uint8_t dac_write_index;
    uint8_t dac_sub_index; /* r, g, b */
    uint8_t dac_cache[3];
    uint8_t pel_mask;
    uint8_t palette[768];

    /* the 32-bit latch of the four planes, filled by every read */
    uint32_t latch;

    /* Bochs VBE */
    uint16_t vbe_index;
    uint16_t vbe_regs[VBE_DISPI_INDEX_NB];

    /* display (not migrated: rebuilt by a full redraw) */
    QemuConsole *con;
    VGADrawMode draw_mode;
    int draw_width, draw_height;
    bool full_update;
    uint32_t last_palette[256]; /* DAC colours as drawn */
    uint16_t *text_cache;       /* char | attr << 8 of every cell drawn */
    int text_cache_cells;
    int last_cursor_offset;
    uint32_t last_cursor_shape;
    uint8_t font_cache[2][256 * 32]; /* the two font maps as drawn */
    /* statistics for tests: scan lines (rows of the surface) redrawn by
     * the last vga_update_display */
    int lines_redrawn;
} VGACommonState;

/* The 8x16 code page 437 font (vga-font.c), loaded into plane 2 at reset. */
extern const uint8_t vga_font_8x16[256 * 16];

extern const VMStateDescription vmstate_vga_common;
#define VMSTATE_VGA_COMMON(f, S) VMSTATE_STRUCT(f, S, 0, vmstate_vga_common, VGACommonState)

/* Allocate the video memory (vram_size_mb MiB, a power of two from 1 to
 * 256), create the regions and the console. false with an error. */
bool vga_common_init(VGACommonState *s, void *owner, Error **errp);
/* Undo vga_common_init (the regions must be unmapped). */
void vga_common_fini(VGACommonState *s);
/* Power-on state: mode 3 (80x25 colour text) as the VGA BIOS sets it, the
 * default palette, the font in plane 2, VBE disabled. */
void vga_common_reset(VGACommonState *s);
/* Map the ports 0x3b0-0x3df and 0x1ce-0x1cf in io and the legacy window
 * at 0xa0000 of mem (above RAM: priority 1). */
void vga_map_legacy(VGACommonState *s, MemoryRegion *mem, MemoryRegion *io);
void vga_unmap_legacy(VGACommonState *s, MemoryRegion *mem, MemoryRegion *io);

/* Register access as the ports and the MMIO bar see it. addr is the port. */
uint32_t vga_ioport_read(VGACommonState *s, uint32_t addr);
void vga_ioport_write(VGACommonState *s, uint32_t addr, uint32_t val);
uint16_t vbe_read_reg(VGACommonState *s, unsigned index);
void vbe_write_reg(VGACommonState *s, unsigned index, uint16_t val);
bool vbe_enabled(const VGACommonState *s);

/* Legacy window access (addr is the offset from 0xa0000). */
uint8_t vga_mem_readb(VGACommonState *s, hwaddr addr);
void vga_mem_writeb(VGACommonState *s, hwaddr addr, uint8_t val);

/* vga-draw.c: render what changed into the console surface. */
void vga_update_display(void *opaque);
void vga_invalidate_display(void *opaque);
/* The text screen as rows of characters (code page 437 bytes, NUL shown
 * as a space), each row ended by '\n'; NULL in graphics modes. */
char *vga_get_text(void *opaque);

#endif
