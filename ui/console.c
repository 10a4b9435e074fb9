/*
 * Display consoles: pixman surfaces owned by consoles, a console per
 * graphics device, and the listeners (front ends) told about changes.
 *
 * Consoles live in one list in creation order; their index is their
 * position in that order at creation. A listener attached before its
 * console exists (con NULL and no console yet) waits in a pending list and
 * is attached to console 0 when it appears. Everything runs under the big
 * lock.
 */
#include "ui/console.h"

#include <pixman.h>
#include <stdlib.h>
#include <string.h>

struct DisplaySurface {
    pixman_image_t *image;
    uint32_t *data;
    int width, height, stride;
};

struct QemuConsole {
    unsigned index;
    DeviceState *dev;
    const GraphicHwOps *ops;
    void *opaque;
    DisplaySurface *surface;
    DisplayChangeListener *listeners;
    QemuConsole *next;
};

static QemuConsole *consoles;
static unsigned next_console_index;
static DisplayChangeListener *pending_listeners;

/* ---- surfaces ---- */

DisplaySurface *qemu_create_displaysurface(int width, int height)
{
    DisplaySurface *s = calloc(1, sizeof(*s));

    if (!s) {
        abort(); /* host out of memory */
    }
    if (width < 1) {
        width = 1;
    }
    if (height < 1) {
        height = 1;
    }
    s->width = width;
    s->height = height;
    s->stride = width * 4;
    s->data = calloc((size_t)height, (size_t)s->stride);
    if (!s->data) {
        abort();
    }
    s->image = pixman_image_create_bits(PIXMAN_x8r8g8b8, width, height, s->data, s->stride);
    if (!s->image) {
        abort();
    }
    return s;
}

void qemu_free_displaysurface(DisplaySurface *s)
{
    if (!s) {
        return;
    }
    pixman_image_unref(s->image);
    free(s->data);
    free(s);
}

int surface_width(const DisplaySurface *s)
{
    return s->width;
}

int surface_height(const DisplaySurface *s)
{
    return s->height;
}

int surface_stride(const DisplaySurface *s)
{
    return s->stride;
}

int surface_bits_per_pixel(const DisplaySurface *s)
{
    return PIXMAN_FORMAT_BPP(PIXMAN_x8r8g8b8);
}

uint32_t surface_format(const DisplaySurface *s)
{
    return PIXMAN_x8r8g8b8;
}

uint8_t *surface_data(DisplaySurface *s)
{
    return (uint8_t *)s->data;
}

union pixman_image *surface_get_image(DisplaySurface *s)
{
    return s->image;
}

uint32_t surface_get_pixel(const DisplaySurface *s, int x, int y)
{
    if (x < 0 || y < 0 || x >= s->width || y >= s->height) {
        return 0;
    }
    return s->data[(size_t)y * (s->stride / 4) + x] & 0xffffff;
}

/* ---- consoles ---- */

static void listener_attach(QemuConsole *con, DisplayChangeListener *dcl)
{
    dcl->con = con;
    dcl->next = con->listeners;
    con->listeners = dcl;
    if (dcl->ops->dpy_gfx_switch) {
        dcl->ops->dpy_gfx_switch(dcl, con->surface);
    }
}

QemuConsole *graphic_console_init(DeviceState *dev, const GraphicHwOps *ops, void *opaque)
{
    QemuConsole *con = calloc(1, sizeof(*con));
    QemuConsole **p;

    if (!con) {
        abort();
    }
    con->index = next_console_index++;
    con->dev = dev;
    con->ops = ops;
    con->opaque = opaque;
    con->surface = qemu_create_displaysurface(640, 480);
    for (p = &consoles; *p; p = &(*p)->next) {
    }
    *p = con;
    if (consoles == con) {
        while (pending_listeners) {
            DisplayChangeListener *dcl = pending_listeners;

            pending_listeners = dcl->next;
            listener_attach(con, dcl);
        }
    }
    return con;
}

void graphic_console_close(QemuConsole *con)
{
    QemuConsole **p;

    if (!con) {
        return;
    }
    for (p = &consoles; *p; p = &(*p)->next) {
        if (*p == con) {
            *p = con->next;
            break;
        }
    }
    while (con->listeners) {
        DisplayChangeListener *dcl = con->listeners;

        con->listeners = dcl->next;
        dcl->con = NULL;
        dcl->next = NULL;
    }
    if (!consoles) {
        next_console_index = 0;
    }
    qemu_free_displaysurface(con->surface);
    free(con);
}

QemuConsole *qemu_console_lookup_by_index(unsigned index)
{
    for (QemuConsole *con = consoles; con; con = con->next) {
        if (con->index == index) {
            return con;
        }
    }
    return NULL;
}

QemuConsole *qemu_console_lookup_by_device(DeviceState *dev)
{
    for (QemuConsole *con = consoles; con; con = con->next) {
        if (con->dev == dev) {
            return con;
        }
    }
    return NULL;
}

unsigned qemu_console_get_index(const QemuConsole *con)
{
    return con->index;
}

DisplaySurface *qemu_console_surface(QemuConsole *con)
{
    return con->surface;
}

int qemu_console_get_width(QemuConsole *con)
{
    return con->surface->width;
}

int qemu_console_get_height(QemuConsole *con)
{
    return con->surface->height;
}

void dpy_gfx_replace_surface(QemuConsole *con, DisplaySurface *surface)
{
    DisplaySurface *old = con->surface;

    con->surface = surface;
    for (DisplayChangeListener *dcl = con->listeners; dcl; dcl = dcl->next) {
        if (dcl->ops->dpy_gfx_switch) {
            dcl->ops->dpy_gfx_switch(dcl, surface);
        }
    }
    if (old != surface) {
        qemu_free_displaysurface(old);
    }
}

void dpy_gfx_update(QemuConsole *con, int x, int y, int w, int h)
{
    int sw = con->surface->width, sh = con->surface->height;

    /* clip: a front end must never be told about pixels that do not exist */
    if (x < 0) {
        w += x;
        x = 0;
    }
    if (y < 0) {
        h += y;
        y = 0;
    }
    if (x + w > sw) {
        w = sw - x;
    }
    if (y + h > sh) {
        h = sh - y;
    }
    if (w <= 0 || h <= 0) {
        return;
    }
    for (DisplayChangeListener *dcl = con->listeners; dcl; dcl = dcl->next) {
        if (dcl->ops->dpy_gfx_update) {
            dcl->ops->dpy_gfx_update(dcl, x, y, w, h);
        }
    }
}

void dpy_gfx_update_full(QemuConsole *con)
{
    dpy_gfx_update(con, 0, 0, con->surface->width, con->surface->height);
}

void graphic_hw_update(QemuConsole *con)
{
    if (con && con->ops && con->ops->gfx_update) {
        con->ops->gfx_update(con->opaque);
    }
}

void graphic_hw_invalidate(QemuConsole *con)
{
    if (con && con->ops && con->ops->invalidate) {
        con->ops->invalidate(con->opaque);
    }
}

char *qemu_console_get_text(QemuConsole *con)
{
    if (con && con->ops && con->ops->text_get) {
        return con->ops->text_get(con->opaque);
    }
    return NULL;
}

/* ---- listeners ---- */

void register_displaychangelistener(DisplayChangeListener *dcl)
{
    QemuConsole *con = dcl->con ? dcl->con : consoles;

    if (!con) {
        dcl->next = pending_listeners;
        pending_listeners = dcl;
        return;
    }
    listener_attach(con, dcl);
}

void unregister_displaychangelistener(DisplayChangeListener *dcl)
{
    DisplayChangeListener **p = dcl->con ? &dcl->con->listeners : &pending_listeners;

    for (; *p; p = &(*p)->next) {
        if (*p == dcl) {
            *p = dcl->next;
            break;
        }
    }
    dcl->next = NULL;
    dcl->con = NULL;
}
