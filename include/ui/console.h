/*
 * The display console: what a graphics device shows, as a pixman surface,
 * and who looks at it (SDL, VNC, the monitor's screendump).
 *
 * A DisplaySurface is a width x height image in one pixman format (the
 * devices here always make 32-bit x8r8g8b8, 0x00RRGGBB per pixel in host
 * order). A QemuConsole belongs to a graphics device (the VGA): the device
 * gives GraphicHwOps; gfx_update renders what changed since the last call
 * into the console's surface and reports the changed rectangles with
 * dpy_gfx_update; when the mode (and so the size) changes it installs a new
 * surface with dpy_gfx_replace_surface. DisplayChangeListeners (the UI
 * front ends) are told about both.
 *
 * pixman is private to ui/: this header only names its image type, so
 * device code compiles without pixman's headers. A front end that wants
 * the pixman image uses surface_get_image().
 *
 * Locking: consoles and listeners are used under the big lock.
 */
#ifndef UI_CONSOLE_H
#define UI_CONSOLE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "util/error.h"

typedef struct DeviceState DeviceState;
typedef struct DisplaySurface DisplaySurface;
typedef struct QemuConsole QemuConsole;
typedef struct DisplayChangeListener DisplayChangeListener;
union pixman_image; /* pixman_image_t */

/* ---- surfaces ---- */

/* A zeroed (black) 32-bit x8r8g8b8 surface; width and height at least 1
 * (smaller values are raised to 1). */
DisplaySurface *qemu_create_displaysurface(int width, int height);
void qemu_free_displaysurface(DisplaySurface *surface);
int surface_width(const DisplaySurface *surface);
int surface_height(const DisplaySurface *surface);
/* bytes per row */
int surface_stride(const DisplaySurface *surface);
/* bits per pixel (32) */
int surface_bits_per_pixel(const DisplaySurface *surface);
/* the pixman_format_code_t of the pixels */
uint32_t surface_format(const DisplaySurface *surface);
uint8_t *surface_data(DisplaySurface *surface);
union pixman_image *surface_get_image(DisplaySurface *surface);
/* Pixel (x, y) as 0x00RRGGBB; 0 outside the surface. */
uint32_t surface_get_pixel(const DisplaySurface *surface, int x, int y);

/* ---- consoles ---- */

typedef struct GraphicHwOps {
    /* render what changed into the console's surface (dpy_gfx_update for
     * each changed piece); may replace the surface on a mode change */
    void (*gfx_update)(void *opaque);
    /* forget what was drawn: the next gfx_update redraws everything */
    void (*invalidate)(void *opaque);
    /* the text-mode screen as rows of characters ending in '\n'
     * (malloc'd), or NULL when the device shows graphics */
    char *(*text_get)(void *opaque);
} GraphicHwOps;

/* A console for dev (may be NULL) with a 640x480 black surface; the
 * consoles are numbered in creation order from 0. */
QemuConsole *graphic_console_init(DeviceState *dev, const GraphicHwOps *ops, void *opaque);
/* Remove the console (its listeners are detached) and free it. */
void graphic_console_close(QemuConsole *con);
/* The index-th console, or NULL. */
QemuConsole *qemu_console_lookup_by_index(unsigned index);
/* The console of dev, or NULL. */
QemuConsole *qemu_console_lookup_by_device(DeviceState *dev);
unsigned qemu_console_get_index(const QemuConsole *con);
DisplaySurface *qemu_console_surface(QemuConsole *con);
int qemu_console_get_width(QemuConsole *con);
int qemu_console_get_height(QemuConsole *con);

/* Device side: a new surface (the console takes it and frees the old
 * one; listeners see dpy_gfx_switch), and a changed rectangle. */
void dpy_gfx_replace_surface(QemuConsole *con, DisplaySurface *surface);
void dpy_gfx_update(QemuConsole *con, int x, int y, int w, int h);
void dpy_gfx_update_full(QemuConsole *con);

/* UI side: ask the device to render now / to redraw everything next. */
void graphic_hw_update(QemuConsole *con);
void graphic_hw_invalidate(QemuConsole *con);
/* The device's text screen (malloc'd) or NULL in graphics modes. */
char *qemu_console_get_text(QemuConsole *con);

/* ---- listeners (front ends) ---- */

typedef struct DisplayChangeListenerOps {
    const char *dpy_name;
    /* a rectangle of the current surface changed */
    void (*dpy_gfx_update)(DisplayChangeListener *dcl, int x, int y, int w, int h);
    /* the console has a new surface */
    void (*dpy_gfx_switch)(DisplayChangeListener *dcl, DisplaySurface *surface);
} DisplayChangeListenerOps;

struct DisplayChangeListener {
    const DisplayChangeListenerOps *ops;
    QemuConsole *con; /* set before registering; NULL: console 0 */
    void *opaque;     /* the front end's */
    /* private */
    DisplayChangeListener *next;
};

/* Attach dcl to its console (dpy_gfx_switch is called at once with the
 * current surface). Without any console, dcl waits for console 0. */
void register_displaychangelistener(DisplayChangeListener *dcl);
void unregister_displaychangelistener(DisplayChangeListener *dcl);

/* ---- screendump ---- */

typedef enum ImageFormat {
    IMAGE_FORMAT_PPM, /* binary portable pixmap (P6) */
    IMAGE_FORMAT_PNG, /* 8-bit RGB, zlib-compressed */
} ImageFormat;

/* "ppm" or "png" (NULL: ppm); false with an error for anything else. */
bool image_format_parse(const char *name, ImageFormat *fmt, Error **errp);
/* Write the surface as an image; false with an error on an I/O error. */
bool surface_write_image(DisplaySurface *surface, FILE *f, ImageFormat fmt, Error **errp);
/*
 * Bring the console up to date (graphic_hw_update) and write its screen to
 * filename (the "screendump" monitor command). con NULL: console 0.
 */
bool qemu_console_screendump(QemuConsole *con, const char *filename, ImageFormat fmt, Error **errp);

#endif
