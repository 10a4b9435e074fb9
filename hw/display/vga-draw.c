/*
 * VGA rendering: the state of vga.c drawn into the console's 32-bit
 * surface, redrawing only what changed.
 *
 * Modes: text (8/9-dot characters from the font in plane 2, 512-character
 * fonts through the attribute's bit 3, line-graphics 9th column, the
 * cursor; blinking is shown steady: blinking characters are always on and
 * the cursor always visible), 16-colour planar graphics, 256-colour
 * graphics (chain-4 mode 13h and unchained "mode X"), and VBE modes at 8,
 * 15, 16, 24 and 32 bpp. Graphics are drawn at their logical resolution
 * (mode 13h is 320x200); 40-column text is doubled horizontally.
 * Not drawn: the CRTC line compare (split screen), horizontal pel
 * panning, the overscan border.
 *
 * Change tracking. Graphics modes take a snapshot of the DIRTY_MEMORY_VGA
 * flags of the frame's video memory, clearing them page by page, and then
 * redraw the lines that touch a dirty page: a guest write after a page's
 * flag was cleared dirties it again for the next update, so nothing is
 * lost to the race with running vCPUs. Text mode compares the cells with
 * a cache and the font maps with a copy. A palette or register change
 * (s->full_update) redraws everything.
 */
#include <stdlib.h>
#include <string.h>

#include "hw/display/vga.h"

#define VGA_PLANE_BYTES 0x10000 /* offsets in each plane */
#define VGA_VRAM_WINDOW (VGA_PLANE_BYTES * 4)

/* ---- colours ---- */

static uint32_t vga_dac_rgb(VGACommonState *s, unsigned index)
{
    const uint8_t *p = &s->palette[(index & s->pel_mask & 0xff) * 3];

    if (s->vbe_regs[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_8BIT_DAC) {
        return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
    }
    /* 6-bit DAC values to 8 bits, so 0x3f becomes 0xff */
    return (uint32_t)((p[0] << 2) | (p[0] >> 4)) << 16 |
           (uint32_t)((p[1] << 2) | (p[1] >> 4)) << 8 | ((p[2] << 2) | (p[2] >> 4));
}

/* A 4-bit pixel or text colour through the attribute controller's
 * palette and colour select to a DAC index. */
static unsigned vga_attr_color(VGACommonState *s, unsigned c)
{
    unsigned v = s->ar[c & 0x0f];

    if (s->ar[0x10] & 0x80) {
        v = (v & 0x0f) | ((s->ar[0x14] & 0x03) << 4);
    } else {
        v &= 0x3f;
    }
    return v | ((s->ar[0x14] & 0x0c) << 4);
}

/* Fill pal[0..n) and report whether it differs from what was drawn. */
static bool vga_update_palette(VGACommonState *s, uint32_t *pal, int n, bool attr)
{
    bool changed = false;

    for (int i = 0; i < n; i++) {
        pal[i] = vga_dac_rgb(s, attr ? vga_attr_color(s, i) : (unsigned)i);
        if (pal[i] != s->last_palette[i]) {
            s->last_palette[i] = pal[i];
            changed = true;
        }
    }
    return changed;
}

/* ---- geometry ---- */

static int vga_hdisp_chars(VGACommonState *s)
{
    return s->cr[0x01] + 1;
}

static int vga_vdisp_lines(VGACommonState *s)
{
    return (s->cr[0x12] | ((s->cr[0x07] & 0x02) << 7) | ((s->cr[0x07] & 0x40) << 3)) + 1;
}

static uint32_t vga_start_addr(VGACommonState *s)
{
    return (uint32_t)s->cr[0x0c] << 8 | s->cr[0x0d];
}

/* CRTC addresses from one row (scan line or text row) to the next */
static uint32_t vga_line_offset(VGACommonState *s)
{
    return (uint32_t)s->cr[0x13] * 2;
}

/* A new surface when the mode or size changed; true if everything must
 * be drawn. */
static bool vga_resize(VGACommonState *s, VGADrawMode mode, int w, int h)
{
    if (mode != s->draw_mode || w != s->draw_width || h != s->draw_height) {
        s->draw_mode = mode;
        s->draw_width = w;
        s->draw_height = h;
        dpy_gfx_replace_surface(s->con, qemu_create_displaysurface(w, h));
        s->full_update = true;
    }
    return s->full_update;
}

/* Pixel row y of the surface. */
static uint32_t *vga_row(VGACommonState *s, int y)
{
    DisplaySurface *surf = qemu_console_surface(s->con);

    return (uint32_t *)(surface_data(surf) + (size_t)y * surface_stride(surf));
}

/* Tell the front ends about rows [y0, y1). */
static void vga_flush_rows(VGACommonState *s, int y0, int y1)
{
    if (y1 > y0) {
        dpy_gfx_update(s->con, 0, y0, s->draw_width, y1 - y0);
    }
}

/* ---- dirty snapshot ---- */

typedef struct DirtySnapshot {
    uint64_t start; /* page aligned */
    uint64_t npages;
    uint8_t *dirty;
} DirtySnapshot;

static void vga_snapshot_dirty(VGACommonState *s, DirtySnapshot *snap, uint64_t start, uint64_t len)
{
    if (start >= s->vram_size) {
        len = 0;
    } else if (start + len > s->vram_size) {
        len = s->vram_size - start;
    }
    snap->start = start & RAM_PAGE_MASK;
    snap->npages = len ? ((start + len + RAM_PAGE_SIZE - 1) & RAM_PAGE_MASK) / RAM_PAGE_SIZE -
                             snap->start / RAM_PAGE_SIZE
                       : 0;
    snap->dirty = calloc(snap->npages ? snap->npages : 1, 1);
    for (uint64_t i = 0; i < snap->npages; i++) {
        snap->dirty[i] = memory_region_test_and_clear_dirty(
            &s->vram, snap->start + i * RAM_PAGE_SIZE, RAM_PAGE_SIZE, DIRTY_MEMORY_VGA);
    }
}

static bool vga_snapshot_test(const DirtySnapshot *snap, uint64_t start, uint64_t len)
{
    uint64_t first, last;

    if (!len || start + len <= snap->start) {
        return false;
    }
    first = start < snap->start ? 0 : (start - snap->start) / RAM_PAGE_SIZE;
    last = (start + len - 1 - snap->start) / RAM_PAGE_SIZE;
    for (uint64_t i = first; i <= last && i < snap->npages; i++) {
        if (snap->dirty[i]) {
            return true;
        }
    }
    return false;
}

/* ---- text ---- */

/* Plane-2 offset of font map m (0-7), as SR3 selects them. */
static uint32_t vga_font_base(unsigned m)
{
    return ((m & 3) * 2 + (m >> 2)) * 0x2000;
}

static void vga_draw_glyph(VGACommonState *s, int x0, int y0, uint8_t chr, uint8_t attr,
                           uint32_t font, int cw, int xscale, int ch, const uint32_t *pal,
                           int cur_start, int cur_end)
{
    unsigned bgi = attr >> 4;
    uint32_t fg = pal[attr & 0x0f], bg;
    bool dup9 = cw == 9 && (s->ar[0x10] & 0x04) && chr >= 0xc0 && chr <= 0xdf;

    if (s->ar[0x10] & 0x08) {
        bgi &= 7; /* bit 7 means blink, shown steady */
    }
    bg = pal[bgi];
    for (int line = 0; line < ch; line++) {
        uint32_t *row = vga_row(s, y0 + line) + x0;
        unsigned bits = 0;

        if (line < 32) {
            bits = s->vram_ptr[((font + chr * 32 + line) % VGA_PLANE_BYTES) * 4 + 2];
        }
        bits <<= 1;
        if (dup9) {
            bits |= bits >> 1 & 1;
        }
        if (line >= cur_start && line <= cur_end) {
            bits = 0x1ff;
        }
        for (int x = 0; x < cw; x++) {
            uint32_t c = (bits >> (8 - x)) & 1 ? fg : bg;

            for (int k = 0; k < xscale; k++) {
                *row++ = c;
            }
        }
    }
}

static void vga_draw_text(VGACommonState *s)
{
    int cw = (s->sr[1] & 0x01) ? 8 : 9;
    int xscale = (s->sr[1] & 0x08) ? 2 : 1;
    int ch = (s->cr[0x09] & 0x1f) + 1;
    int cols = vga_hdisp_chars(s);
    int rows = vga_vdisp_lines(s) / ch;
    uint32_t start = vga_start_addr(s), stride = vga_line_offset(s);
    uint32_t pal[16], fonts[2];
    unsigned sr3 = s->sr[3];
    int cursor, cur_start = s->cr[0x0a] & 0x1f, cur_end = s->cr[0x0b] & 0x1f;
    uint32_t cursor_shape = (uint32_t)s->cr[0x0a] << 8 | s->cr[0x0b];
    bool full;
    int y_run = -1;

    if (rows < 1) {
        rows = 1;
    }
    full = vga_resize(s, VGA_DRAW_TEXT, cols * cw * xscale, rows * ch);
    full |= vga_update_palette(s, pal, 16, true);
    /* map B for attribute bit 3 clear, map A for it set */
    fonts[0] = vga_font_base((sr3 & 3) | ((sr3 >> 2) & 4));
    fonts[1] = vga_font_base(((sr3 >> 2) & 3) | ((sr3 >> 3) & 4));
    for (int m = 0; m < 2; m++) {
        uint8_t glyphs[256 * 32];

        for (int i = 0; i < 256 * 32; i++) {
            glyphs[i] = s->vram_ptr[((fonts[m] + i) % VGA_PLANE_BYTES) * 4 + 2];
        }
        if (memcmp(glyphs, s->font_cache[m], sizeof(glyphs))) {
            memcpy(s->font_cache[m], glyphs, sizeof(glyphs));
            full = true;
        }
    }
    if (s->text_cache_cells != cols * rows) {
        free(s->text_cache);
        s->text_cache = calloc((size_t)cols * rows, sizeof(uint16_t));
        s->text_cache_cells = cols * rows;
        full = true;
    }
    /* the VGA memory is not text until the planes say so: drop the flags */
    memory_region_test_and_clear_dirty(&s->vram, 0, VGA_VRAM_WINDOW, DIRTY_MEMORY_VGA);

    cursor = (int)(((uint32_t)s->cr[0x0e] << 8 | s->cr[0x0f]) - start);
    if ((s->cr[0x0a] & 0x20) || cur_start > cur_end) {
        cursor = -1;
    }
    if (cursor != s->last_cursor_offset || cursor_shape != s->last_cursor_shape) {
        if (s->last_cursor_offset >= 0 && s->last_cursor_offset < cols * rows) {
            s->text_cache[s->last_cursor_offset] ^= 0xffff; /* force a redraw */
        }
        if (cursor >= 0 && cursor < cols * rows) {
            s->text_cache[cursor] ^= 0xffff;
        }
        s->last_cursor_offset = cursor;
        s->last_cursor_shape = cursor_shape;
    }

    s->lines_redrawn = 0;
    for (int r = 0; r < rows; r++) {
        bool row_drawn = false;

        for (int c = 0; c < cols; c++) {
            uint32_t off = ((start + r * stride + c) * 2) % VGA_PLANE_BYTES;
            uint8_t chr = s->vram_ptr[off * 4], attr = s->vram_ptr[off * 4 + 1];
            uint16_t v = chr | attr << 8;
            int idx = r * cols + c;
            bool is_cursor = idx == cursor;

            if (!full && s->text_cache[idx] == v) {
                continue;
            }
            s->text_cache[idx] = v;
            vga_draw_glyph(s, c * cw * xscale, r * ch, chr, attr, fonts[(attr >> 3) & 1], cw,
                           xscale, ch, pal, is_cursor ? cur_start : ch, is_cursor ? cur_end : -1);
            row_drawn = true;
        }
        if (row_drawn) {
            s->lines_redrawn += ch;
            if (y_run < 0) {
                y_run = r * ch;
            }
        } else if (y_run >= 0) {
            vga_flush_rows(s, y_run, r * ch);
            y_run = -1;
        }
    }
    if (y_run >= 0) {
        vga_flush_rows(s, y_run, rows * ch);
    }
}

/* ---- graphics ---- */

static void vga_draw_line_planar16(VGACommonState *s, uint32_t *row, uint32_t off, int width,
                                   const uint32_t *pal)
{
    unsigned plane_mask = s->ar[0x12] & 0x0f;

    for (int x = 0; x < width; x += 8) {
        uint32_t planes = ((const uint32_t *)s->vram_ptr)[(off + x / 8) % VGA_PLANE_BYTES];

        for (int b = 0; b < 8 && x + b < width; b++) {
            unsigned bit = 7 - b, c = 0;

            for (int p = 0; p < 4; p++) {
                c |= ((planes >> (p * 8 + bit)) & 1) << p;
            }
            row[x + b] = pal[c & plane_mask];
        }
    }
}

static void vga_draw_line_256(VGACommonState *s, uint32_t *row, uint32_t off, int width,
                              const uint32_t *pal)
{
    for (int x = 0; x < width; x++) {
        row[x] = pal[s->vram_ptr[(off * 4 + x) % VGA_VRAM_WINDOW]];
    }
}

static void vga_draw_graphics(VGACommonState *s, VGADrawMode mode)
{
    int cols = vga_hdisp_chars(s);
    int scan = (s->cr[0x09] & 0x1f) + 1;
    int width, height;
    uint32_t start = vga_start_addr(s), stride = vga_line_offset(s);
    uint32_t pal[256];
    uint32_t line_bytes; /* bytes of vram one line reads */
    DirtySnapshot snap;
    bool full;
    int y_run = -1;

    if (s->cr[0x09] & 0x80) {
        scan *= 2;
    }
    if (mode == VGA_DRAW_CHAIN4) {
        width = cols * 4; /* each pixel is two dots */
        line_bytes = width;
    } else {
        width = cols * 8;
        line_bytes = width / 8 * 4;
    }
    height = vga_vdisp_lines(s) / scan;
    if (height < 1) {
        height = 1;
    }
    full = vga_resize(s, mode, width, height);
    full |= vga_update_palette(s, pal, mode == VGA_DRAW_CHAIN4 ? 256 : 16, mode != VGA_DRAW_CHAIN4);
    vga_snapshot_dirty(s, &snap, 0, VGA_VRAM_WINDOW);

    s->lines_redrawn = 0;
    for (int y = 0; y < height; y++) {
        uint32_t off = (start + y * stride) % VGA_PLANE_BYTES;
        uint64_t b0 = (uint64_t)off * 4;
        bool dirty = full || vga_snapshot_test(&snap, b0, line_bytes) ||
                     (b0 + line_bytes > VGA_VRAM_WINDOW &&
                      vga_snapshot_test(&snap, 0, b0 + line_bytes - VGA_VRAM_WINDOW));

        if (dirty) {
            if (mode == VGA_DRAW_CHAIN4) {
                vga_draw_line_256(s, vga_row(s, y), off, width, pal);
            } else {
                vga_draw_line_planar16(s, vga_row(s, y), off, width, pal);
            }
            s->lines_redrawn++;
            if (y_run < 0) {
                y_run = y;
            }
        } else if (y_run >= 0) {
            vga_flush_rows(s, y_run, y);
            y_run = -1;
        }
    }
    if (y_run >= 0) {
        vga_flush_rows(s, y_run, height);
    }
    free(snap.dirty);
}

/* ---- VBE ---- */

static uint32_t vbe_pixel(VGACommonState *s, const uint8_t *p, unsigned bpp, const uint32_t *pal)
{
    uint32_t v;

    switch (bpp) {
    case 8:
        return pal[p[0]];
    case 15:
        v = p[0] | p[1] << 8;
        return ((v >> 10) & 0x1f) * 255 / 31 << 16 | ((v >> 5) & 0x1f) * 255 / 31 << 8 |
               (v & 0x1f) * 255 / 31;
    case 16:
        v = p[0] | p[1] << 8;
        return ((v >> 11) & 0x1f) * 255 / 31 << 16 | ((v >> 5) & 0x3f) * 255 / 63 << 8 |
               (v & 0x1f) * 255 / 31;
    case 24:
    default: /* 32 */
        return (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
    }
}

static void vga_draw_vbe(VGACommonState *s)
{
    unsigned bpp = s->vbe_regs[VBE_DISPI_INDEX_BPP];
    unsigned bytes = (bpp + 7) / 8;
    int width = s->vbe_regs[VBE_DISPI_INDEX_XRES], height = s->vbe_regs[VBE_DISPI_INDEX_YRES];
    uint64_t line = (uint64_t)s->vbe_regs[VBE_DISPI_INDEX_VIRT_WIDTH] * bytes;
    uint64_t start = s->vbe_regs[VBE_DISPI_INDEX_Y_OFFSET] * line +
                     (uint64_t)s->vbe_regs[VBE_DISPI_INDEX_X_OFFSET] * bytes;
    uint64_t line_bytes = (uint64_t)width * bytes;
    uint32_t pal[256];
    DirtySnapshot snap;
    bool full;
    int y_run = -1;

    full = vga_resize(s, VGA_DRAW_VBE, width, height);
    if (bpp == 8) {
        full |= vga_update_palette(s, pal, 256, false);
    }
    vga_snapshot_dirty(s, &snap, start, line * (height - 1) + line_bytes);

    s->lines_redrawn = 0;
    for (int y = 0; y < height; y++) {
        uint64_t b0 = start + y * line;
        uint32_t *row = vga_row(s, y);

        if (!full && !vga_snapshot_test(&snap, b0, line_bytes)) {
            if (y_run >= 0) {
                vga_flush_rows(s, y_run, y);
                y_run = -1;
            }
            continue;
        }
        for (int x = 0; x < width; x++) {
            uint64_t a = b0 + (uint64_t)x * bytes;

            /* a panned view may run past the memory: show black there */
            row[x] = a + bytes <= s->vram_size ? vbe_pixel(s, s->vram_ptr + a, bpp, pal) : 0;
        }
        s->lines_redrawn++;
        if (y_run < 0) {
            y_run = y;
        }
    }
    if (y_run >= 0) {
        vga_flush_rows(s, y_run, height);
    }
    free(snap.dirty);
}

/* ---- entry points ---- */

static void vga_draw_blank(VGACommonState *s)
{
    int w = s->draw_width > 0 ? s->draw_width : 640, h = s->draw_height > 0 ? s->draw_height : 480;

    s->lines_redrawn = 0;
    if (!vga_resize(s, VGA_DRAW_NONE, w, h)) {
        return;
    }
    for (int y = 0; y < h; y++) {
        memset(vga_row(s, y), 0, (size_t)w * 4);
    }
    s->lines_redrawn = h;
    vga_flush_rows(s, 0, h);
}

void vga_update_display(void *opaque)
{
    VGACommonState *s = opaque;

    if (!s->con) {
        return;
    }
    if (vbe_enabled(s)) {
        vga_draw_vbe(s);
    } else if (!(s->ar_index & 0x20) || (s->sr[1] & 0x20)) {
        /* palette address source clear, or the sequencer's screen off */
        vga_draw_blank(s);
    } else if (s->gr[6] & 0x01) {
        vga_draw_graphics(s, (s->gr[5] & 0x40) ? VGA_DRAW_CHAIN4 : VGA_DRAW_PLANAR16);
    } else {
        vga_draw_text(s);
    }
    s->full_update = false;
}

void vga_invalidate_display(void *opaque)
{
    VGACommonState *s = opaque;

    s->full_update = true;
}

char *vga_get_text(void *opaque)
{
    VGACommonState *s = opaque;
    int ch = (s->cr[0x09] & 0x1f) + 1;
    int cols = vga_hdisp_chars(s), rows = vga_vdisp_lines(s) / ch;
    uint32_t start = vga_start_addr(s), stride = vga_line_offset(s);
    char *text, *p;

    if (vbe_enabled(s) || (s->gr[6] & 0x01)) {
        return NULL;
    }
    if (rows < 1) {
        rows = 1;
    }
    text = malloc((size_t)(cols + 1) * rows + 1);
    if (!text) {
        abort();
    }
    p = text;
    for (int r = 0; r < rows; r++) {
        char *row = p;

        for (int c = 0; c < cols; c++) {
            uint32_t off = ((start + r * stride + c) * 2) % VGA_PLANE_BYTES;
            uint8_t chr = s->vram_ptr[off * 4];

            *p++ = chr ? (char)chr : ' ';
        }
        /* trailing blanks carry no text */
        while (p > row && p[-1] == ' ') {
            p--;
        }
        *p++ = '\n';
    }
    *p = '\0';
    return text;
}
