/*
 * Writing a surface as an image file: PPM (P6, "portable pixmap", netpbm)
 * and PNG (PNG specification, ISO/IEC 15948: signature, IHDR, IDAT, IEND
 * chunks; 8-bit RGB, colour type 2, no interlace, filter 0 on every row,
 * the rows deflated by zlib, CRC-32 over each chunk's type and data).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "ui/console.h"

bool image_format_parse(const char *name, ImageFormat *fmt, Error **errp)
{
    if (!name || !strcmp(name, "ppm")) {
        *fmt = IMAGE_FORMAT_PPM;
    } else if (!strcmp(name, "png")) {
        *fmt = IMAGE_FORMAT_PNG;
    } else {
        error_setg(errp, "unsupported image format '%s' (use ppm or png)", name);
        return false;
    }
    return true;
}

/* One row as packed RGB bytes. */
static void surface_row_rgb(DisplaySurface *s, int y, uint8_t *out)
{
    const uint32_t *row = (const uint32_t *)(surface_data(s) + (size_t)y * surface_stride(s));

    for (int x = 0; x < surface_width(s); x++) {
        out[3 * x] = row[x] >> 16;
        out[3 * x + 1] = row[x] >> 8;
        out[3 * x + 2] = row[x];
    }
}

static bool write_ppm(DisplaySurface *s, FILE *f)
{
    int w = surface_width(s), h = surface_height(s);
    uint8_t *row = malloc((size_t)w * 3);
    bool ok;

    if (!row) {
        return false;
    }
    ok = fprintf(f, "P6\n%d %d\n255\n", w, h) > 0;
    for (int y = 0; ok && y < h; y++) {
        surface_row_rgb(s, y, row);
        ok = fwrite(row, 3, w, f) == (size_t)w;
    }
    free(row);
    return ok;
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = v >> 24;
    p[1] = v >> 16;
    p[2] = v >> 8;
    p[3] = v;
}

static bool png_chunk(FILE *f, const char *type, const uint8_t *data, uint32_t len)
{
    uint8_t hdr[8], crc_be[4];
    uLong crc = crc32(0L, Z_NULL, 0);

    put_be32(hdr, len);
    memcpy(hdr + 4, type, 4);
    crc = crc32(crc, hdr + 4, 4);
    if (len) {
        crc = crc32(crc, data, len);
    }
    put_be32(crc_be, (uint32_t)crc);
    return fwrite(hdr, 1, 8, f) == 8 && (!len || fwrite(data, 1, len, f) == len) &&
           fwrite(crc_be, 1, 4, f) == 4;
}

static bool write_png(DisplaySurface *s, FILE *f)
{
    static const uint8_t signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
    int w = surface_width(s), h = surface_height(s);
    size_t rowlen = (size_t)w * 3 + 1;
    uint8_t ihdr[13];
    uint8_t *raw, *out = NULL;
    uLongf outlen;
    bool ok = false;

    raw = malloc(rowlen * h);
    if (!raw) {
        return false;
    }
    for (int y = 0; y < h; y++) {
        raw[rowlen * y] = 0; /* filter type None */
        surface_row_rgb(s, y, raw + rowlen * y + 1);
    }
    outlen = compressBound(rowlen * h);
    out = malloc(outlen);
    if (!out || compress2(out, &outlen, raw, rowlen * h, Z_DEFAULT_COMPRESSION) != Z_OK) {
        goto out;
    }
    put_be32(ihdr, w);
    put_be32(ihdr + 4, h);
    ihdr[8] = 8;  /* bit depth */
    ihdr[9] = 2;  /* colour type: RGB */
    ihdr[10] = 0; /* deflate */
    ihdr[11] = 0; /* adaptive filtering */
    ihdr[12] = 0; /* no interlace */
    ok = fwrite(signature, 1, 8, f) == 8 && png_chunk(f, "IHDR", ihdr, sizeof(ihdr)) &&
         png_chunk(f, "IDAT", out, outlen) && png_chunk(f, "IEND", NULL, 0);
out:
    free(raw);
    free(out);
    return ok;
}

bool surface_write_image(DisplaySurface *s, FILE *f, ImageFormat fmt, Error **errp)
{
    bool ok = fmt == IMAGE_FORMAT_PNG ? write_png(s, f) : write_ppm(s, f);

    if (!ok) {
        error_setg(errp, "could not write the %s image", fmt == IMAGE_FORMAT_PNG ? "PNG" : "PPM");
    }
    return ok;
}

bool qemu_console_screendump(QemuConsole *con, const char *filename, ImageFormat fmt, Error **errp)
{
    FILE *f;
    bool ok;

    if (!con) {
        con = qemu_console_lookup_by_index(0);
    }
    if (!con) {
        error_setg(errp, "there is no graphical console");
        return false;
    }
    graphic_hw_update(con);
    f = fopen(filename, "wb");
    if (!f) {
        error_setg_errno(errp, errno, "could not open '%s'", filename);
        return false;
    }
    ok = surface_write_image(qemu_console_surface(con), f, fmt, errp);
    if (fclose(f) != 0 && ok) {
        error_setg_errno(errp, errno, "could not write '%s'", filename);
        ok = false;
    }
    if (!ok) {
        error_prepend(errp, "screendump to '%s': ", filename);
    }
    return ok;
}
