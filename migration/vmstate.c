/*
 * The VMState field walker: save and load any VMStateDescription through a
 * VMStateStream, plus the in-memory stream and the registered-section list
 * (see migration/vmstate.h for the encoding).
 *
 * Loading never trusts the stream: versions are checked against what this
 * build supports, counts against the capacity of the arrays they fill,
 * bools must be 0 or 1, and every failure says which section, which field
 * (a dotted path through nested structs, with the array element) and at
 * which byte offset, so a broken migration can be diagnosed from its
 * message alone.
 *
 * The handler list is changed under the big lock (devices register in
 * realize); the savevm code walks it with the VM stopped.
 */
#include "migration/vmstate.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw/core/qdev.h"

/* ---- Streams ---- */

void vmstate_stream_init(VMStateStream *s, const VMStateStreamOps *ops, void *opaque)
{
    s->ops = ops;
    s->opaque = opaque;
    s->offset = 0;
}

void vmstate_put_buffer(VMStateStream *s, const uint8_t *buf, size_t len)
{
    if (len) {
        s->ops->put_buffer(s->opaque, buf, len);
        s->offset += len;
    }
}

void vmstate_put_byte(VMStateStream *s, uint8_t v)
{
    vmstate_put_buffer(s, &v, 1);
}

void vmstate_put_be16(VMStateStream *s, uint16_t v)
{
    uint8_t b[2] = { v >> 8, v };

    vmstate_put_buffer(s, b, 2);
}

void vmstate_put_be32(VMStateStream *s, uint32_t v)
{
    uint8_t b[4] = { v >> 24, v >> 16, v >> 8, v };

    vmstate_put_buffer(s, b, 4);
}

void vmstate_put_be64(VMStateStream *s, uint64_t v)
{
    vmstate_put_be32(s, v >> 32);
    vmstate_put_be32(s, (uint32_t)v);
}

size_t vmstate_get_buffer(VMStateStream *s, uint8_t *buf, size_t len)
{
    size_t got = 0;

    /* A source may return short reads before its end (a socket): retry
     * until it returns nothing. */
    while (got < len) {
        size_t n = s->ops->get_buffer(s->opaque, buf + got, len - got);

        if (n == 0) {
            break;
        }
        got += n;
    }
    s->offset += got;
    return got;
}

static bool get_be(VMStateStream *s, int bytes, uint64_t *v)
{
    uint8_t b[8];

    *v = 0;
    if (vmstate_get_buffer(s, b, bytes) != (size_t)bytes) {
        return false;
    }
    for (int i = 0; i < bytes; i++) {
        *v = *v << 8 | b[i];
    }
    return true;
}

bool vmstate_get_byte(VMStateStream *s, uint8_t *v)
{
    uint64_t x;
    bool ok = get_be(s, 1, &x);

    *v = x;
    return ok;
}

bool vmstate_get_be16(VMStateStream *s, uint16_t *v)
{
    uint64_t x;
    bool ok = get_be(s, 2, &x);

    *v = x;
    return ok;
}

bool vmstate_get_be32(VMStateStream *s, uint32_t *v)
{
    uint64_t x;
    bool ok = get_be(s, 4, &x);

    *v = x;
    return ok;
}

bool vmstate_get_be64(VMStateStream *s, uint64_t *v)
{
    return get_be(s, 8, v);
}

int vmstate_stream_error(VMStateStream *s)
{
    return s->ops->get_error ? s->ops->get_error(s->opaque) : 0;
}

/* In-memory streams. */

static void buffer_put(void *opaque, const uint8_t *buf, size_t len)
{
    VMStateBuffer *b = opaque;

    if (b->len + len > b->cap) {
        size_t cap = b->cap ? b->cap : 256;

        while (cap < b->len + len) {
            cap *= 2;
        }
        b->data = realloc(b->data, cap);
        if (!b->data) {
            abort();
        }
        b->cap = cap;
    }
    memcpy(b->data + b->len, buf, len);
    b->len += len;
}

static size_t buffer_get(void *opaque, uint8_t *buf, size_t len)
{
    VMStateBuffer *b = opaque;
    size_t n = b->len - b->pos < len ? b->len - b->pos : len;

    memcpy(buf, b->data + b->pos, n);
    b->pos += n;
    return n;
}

static const VMStateStreamOps buffer_ops = {
    .put_buffer = buffer_put,
    .get_buffer = buffer_get,
};

void vmstate_stream_init_buffer_writer(VMStateStream *s, VMStateBuffer *buf)
{
    vmstate_stream_init(s, &buffer_ops, buf);
}

void vmstate_stream_init_buffer_reader(VMStateStream *s, VMStateBuffer *buf)
{
    vmstate_stream_init(s, &buffer_ops, buf);
}

void vmstate_buffer_free(VMStateBuffer *buf)
{
    free(buf->data);
    memset(buf, 0, sizeof(*buf));
}

/* ---- The walker ---- */

/* Where the walker is, for messages. */
typedef struct Walk {
    VMStateStream *f;
    Error **errp;
    char where[256]; /* "section 'a'" or "section 'a', subsection 'a/b'" */
    char path[256];  /* dotted field path in the current description */
    int err;
} Walk;

static void walk_append(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void walk_append(char *buf, size_t size, const char *fmt, ...)
{
    size_t len = strlen(buf);
    va_list ap;

    if (len + 1 >= size) {
        return;
    }
    va_start(ap, fmt);
    vsnprintf(buf + len, size - len, fmt, ap);
    va_end(ap);
}

/* Record an error at the current field (first error wins). */
static int walk_fail(Walk *w, int err, int64_t elem, uint64_t offset, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int walk_fail(Walk *w, int err, int64_t elem, uint64_t offset, const char *fmt, ...)
{
    char msg[256], field[300] = "";
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (w->path[0]) {
        snprintf(field, sizeof(field), ", field '%s'", w->path);
        if (elem >= 0) {
            walk_append(field, sizeof(field), " element %" PRId64, elem);
        }
    }
    error_setg(w->errp, "%s%s, at byte offset %" PRIu64 ": %s", w->where, field, offset, msg);
    if (!w->err) {
        w->err = err;
    }
    return w->err;
}

/* A short read: end of input, or the channel failed. */
static int walk_short(Walk *w, int64_t elem, uint64_t offset, size_t want, size_t got)
{
    int e = vmstate_stream_error(w->f);

    if (e < 0) {
        return walk_fail(w, e, elem, offset, "read error: %s", strerror(-e));
    }
    return walk_fail(w, -EIO, elem, offset, "unexpected end of stream (needed %zu bytes, got %zu)",
                     want, got);
}

static bool field_present(const VMStateField *fd, void *opaque, int version_id)
{
    if (fd->version_id > version_id) {
        return false;
    }
    return !fd->field_exists || fd->field_exists(opaque, version_id);
}

static size_t kind_width(VMStateKind kind)
{
    switch (kind) {
    case VMS_KIND_INT8:
    case VMS_KIND_UINT8:
    case VMS_KIND_BOOL:
        return 1;
    case VMS_KIND_INT16:
    case VMS_KIND_UINT16:
        return 2;
    case VMS_KIND_INT32:
    case VMS_KIND_UINT32:
        return 4;
    default:
        return 8;
    }
}

static uint64_t int_load(const void *p, VMStateKind kind)
{
    switch (kind) {
    case VMS_KIND_INT8:
        return (uint64_t)(int64_t) * (const int8_t *)p;
    case VMS_KIND_UINT8:
    case VMS_KIND_BOOL:
        return *(const uint8_t *)p;
    case VMS_KIND_INT16:
        return (uint64_t)(int64_t) * (const int16_t *)p;
    case VMS_KIND_UINT16:
        return *(const uint16_t *)p;
    case VMS_KIND_INT32:
        return (uint64_t)(int64_t) * (const int32_t *)p;
    case VMS_KIND_UINT32:
        return *(const uint32_t *)p;
    default:
        return *(const uint64_t *)p;
    }
}

static void int_store(void *p, VMStateKind kind, uint64_t v)
{
    switch (kind_width(kind)) {
    case 1:
        if (kind == VMS_KIND_BOOL) {
            *(bool *)p = v != 0;
        } else {
            *(uint8_t *)p = v;
        }
        break;
    case 2:
        *(uint16_t *)p = v;
        break;
    case 4:
        *(uint32_t *)p = v;
        break;
    default:
        *(uint64_t *)p = v;
        break;
    }
}

/* Sign-extend a width-byte big-endian value for messages. */
static int64_t int_signed(uint64_t v, size_t width)
{
    int shift = 64 - 8 * (int)width;

    return (int64_t)(v << shift) >> shift;
}

static bool kind_is_signed(VMStateKind kind)
{
    return kind == VMS_KIND_INT8 || kind == VMS_KIND_INT16 || kind == VMS_KIND_INT32 ||
           kind == VMS_KIND_INT64;
}

static int save_body(Walk *w, const VMStateDescription *vmsd, void *opaque);
static int load_body(Walk *w, const VMStateDescription *vmsd, void *opaque, int version_id);

/* The data of fd in opaque (following VMS_POINTER), or NULL. */
static void *field_base(const VMStateField *fd, void *opaque)
{
    void *p = (char *)opaque + fd->offset;

    if (fd->flags & VMS_POINTER) {
        p = *(void **)p;
    }
    return p;
}

/* Save one element of a scalar kind. */
static void save_scalar(Walk *w, const VMStateField *fd, void *elem)
{
    switch (fd->kind) {
    case VMS_KIND_TIMER: {
        int64_t t = timer_expire_time_ns(elem);

        vmstate_put_be64(w->f, (uint64_t)t);
        break;
    }
    case VMS_KIND_BOOL:
        vmstate_put_byte(w->f, *(bool *)elem ? 1 : 0);
        break;
    default: {
        uint64_t v = int_load(elem, fd->kind);
        size_t width = kind_width(fd->kind);

        if (width == 1) {
            vmstate_put_byte(w->f, v);
        } else if (width == 2) {
            vmstate_put_be16(w->f, v);
        } else if (width == 4) {
            vmstate_put_be32(w->f, v);
        } else {
            vmstate_put_be64(w->f, v);
        }
        break;
    }
    }
}

static int save_field(Walk *w, const VMStateField *fd, void *opaque)
{
    uint64_t start = w->f->offset;
    uint32_t n = fd->num ? fd->num : 1;
    void *base = NULL;

    if (fd->kind == VMS_KIND_UNUSED) {
        static const uint8_t zeros[64];

        for (size_t left = fd->size; left;) {
            size_t k = left < sizeof(zeros) ? left : sizeof(zeros);

            vmstate_put_buffer(w->f, zeros, k);
            left -= k;
        }
        return 0;
    }
    if (fd->flags & VMS_VARRAY_UINT32) {
        n = *(uint32_t *)((char *)opaque + fd->num_offset);
        if (!(fd->flags & VMS_POINTER) && n > fd->num) {
            return walk_fail(w, -EINVAL, -1, start,
                             "count %" PRIu32 " exceeds the array's %" PRIu32 " elements", n,
                             fd->num);
        }
        vmstate_put_be32(w->f, n);
    } else if (!(fd->flags & VMS_ARRAY)) {
        n = 1;
    }
    base = field_base(fd, opaque);
    if (!base && n) {
        return walk_fail(w, -EINVAL, -1, start, "NULL pointer");
    }
    if (fd->kind == VMS_KIND_BUFFER) {
        vmstate_put_buffer(w->f, base, (size_t)n * fd->size);
        return 0;
    }
    if (fd->kind == VMS_KIND_STRUCT) {
        size_t plen = strlen(w->path);
        int ret = 0;

        vmstate_put_be32(w->f, fd->vmsd->version_id);
        for (uint32_t i = 0; i < n && !ret; i++) {
            /* nested fields are named "outer.inner" (with the index for arrays) */
            if (fd->flags & (VMS_ARRAY | VMS_VARRAY_UINT32)) {
                walk_append(w->path, sizeof(w->path), "[%" PRIu32 "]", i);
            }
            walk_append(w->path, sizeof(w->path), ".");
            ret = save_body(w, fd->vmsd, (char *)base + (size_t)i * fd->size);
            w->path[plen] = '\0';
        }
        return ret;
    }
    for (uint32_t i = 0; i < n; i++) {
        save_scalar(w, fd, (char *)base + (size_t)i * fd->size);
    }
    return 0;
}

static int run_hook(Walk *w, int (*hook)(void *), void *opaque, const char *name)
{
    int ret = hook ? hook(opaque) : 0;

    if (ret < 0) {
        error_setg(w->errp, "%s: %s failed: %s", w->where, name, strerror(-ret));
        w->err = w->err ? w->err : ret;
    }
    return ret;
}

/* Fields then subsections of vmsd; pre_save/post_save around them. */
static int save_body(Walk *w, const VMStateDescription *vmsd, void *opaque)
{
    size_t plen = strlen(w->path);
    int ret;

    ret = run_hook(w, vmsd->pre_save, opaque, "pre_save");
    if (ret < 0) {
        return ret;
    }
    for (const VMStateField *fd = vmsd->fields; fd && fd->kind != VMS_KIND_END; fd++) {
        if (!field_present(fd, opaque, vmsd->version_id)) {
            continue;
        }
        walk_append(w->path, sizeof(w->path), "%s", fd->name);
        ret = save_field(w, fd, opaque);
        w->path[plen] = '\0';
        if (ret < 0) {
            return ret;
        }
    }
    for (const VMStateDescription *const *sp = vmsd->subsections; sp && *sp; sp++) {
        const VMStateDescription *sub = *sp;
        size_t wlen = strlen(w->where), nlen = strlen(sub->name);
        char saved_path[sizeof(w->path)];

        if (sub->needed && !sub->needed(opaque)) {
            continue;
        }
        if (nlen > 255) {
            return walk_fail(w, -EINVAL, -1, w->f->offset,
                             "subsection name '%s' longer than 255 bytes", sub->name);
        }
        vmstate_put_byte(w->f, VMSTATE_SUBSECTION_MARK);
        vmstate_put_byte(w->f, nlen);
        vmstate_put_buffer(w->f, (const uint8_t *)sub->name, nlen);
        vmstate_put_be32(w->f, sub->version_id);
        memcpy(saved_path, w->path, sizeof(saved_path));
        walk_append(w->where, sizeof(w->where), ", subsection '%s'", sub->name);
        w->path[0] = '\0';
        ret = save_body(w, sub, opaque);
        w->where[wlen] = '\0';
        memcpy(w->path, saved_path, sizeof(saved_path));
        if (ret < 0) {
            return ret;
        }
    }
    vmstate_put_byte(w->f, VMSTATE_SUBSECTION_END);
    return run_hook(w, vmsd->post_save, opaque, "post_save");
}

int vmstate_save_state(VMStateStream *f, const VMStateDescription *vmsd, void *opaque, Error **errp)
{
    Walk w = { .f = f, .errp = errp };
    int ret, e;

    snprintf(w.where, sizeof(w.where), "section '%s'", vmsd->name);
    ret = save_body(&w, vmsd, opaque);
    if (ret < 0) {
        return ret;
    }
    e = vmstate_stream_error(f);
    if (e < 0) {
        error_setg(errp, "section '%s': write error: %s", vmsd->name, strerror(-e));
        return e;
    }
    return 0;
}

/* Check a stream's version of vmsd against what this build loads. */
static int check_version(Walk *w, const VMStateDescription *vmsd, int version_id, uint64_t offset,
                         const char *what)
{
    if (version_id > vmsd->version_id) {
        return walk_fail(w, -EINVAL, -1, offset,
                         "%s '%s' has version %d, newer than this build supports (%d)", what,
                         vmsd->name, version_id, vmsd->version_id);
    }
    if (version_id < vmsd->minimum_version_id) {
        return walk_fail(w, -EINVAL, -1, offset,
                         "%s '%s' has version %d, older than this build still loads (%d)", what,
                         vmsd->name, version_id, vmsd->minimum_version_id);
    }
    return 0;
}

static int load_scalar(Walk *w, const VMStateField *fd, void *elem, int64_t index)
{
    size_t width = fd->kind == VMS_KIND_TIMER ? 8 : kind_width(fd->kind);
    uint64_t start = w->f->offset, v;
    uint8_t b[8];
    size_t got = vmstate_get_buffer(w->f, b, width);

    if (got != width) {
        return walk_short(w, index, start, width, got);
    }
    v = 0;
    for (size_t i = 0; i < width; i++) {
        v = v << 8 | b[i];
    }
    if (fd->kind == VMS_KIND_TIMER) {
        int64_t t = (int64_t)v;

        if (t < -1) {
            return walk_fail(w, -EINVAL, index, start, "invalid timer expiry %" PRId64, t);
        }
        if (t == -1) {
            timer_del(elem);
        } else {
            timer_mod_ns(elem, t);
        }
        return 0;
    }
    if (fd->kind == VMS_KIND_BOOL && v > 1) {
        return walk_fail(w, -EINVAL, index, start, "invalid bool value %" PRIu64, v);
    }
    if (fd->flags & VMS_MUST_EQUAL) {
        uint64_t cur = int_load(elem, fd->kind);

        if (kind_is_signed(fd->kind)) {
            v = (uint64_t)int_signed(v, width);
        }
        if (cur != v) {
            if (kind_is_signed(fd->kind)) {
                return walk_fail(w, -EINVAL, index, start,
                                 "value %" PRId64 " in the stream, this configuration has %" PRId64,
                                 (int64_t)v, (int64_t)cur);
            }
            return walk_fail(w, -EINVAL, index, start,
                             "value %" PRIu64 " in the stream, this configuration has %" PRIu64, v,
                             cur);
        }
        return 0;
    }
    int_store(elem, fd->kind, v);
    return 0;
}

/* Read the count of a variable-length field and make room for it;
 * returns the base address in *base. */
static int load_count(Walk *w, const VMStateField *fd, void *opaque, uint32_t *n, void **base)
{
    uint64_t start = w->f->offset;
    uint32_t *nump = (uint32_t *)((char *)opaque + fd->num_offset);

    if (!vmstate_get_be32(w->f, n)) {
        return walk_short(w, -1, start, 4, w->f->offset - start);
    }
    if (!(fd->flags & VMS_POINTER)) {
        if (*n > fd->num) {
            return walk_fail(w, -EINVAL, -1, start,
                             "count %" PRIu32 " exceeds the array's %" PRIu32 " elements", *n,
                             fd->num);
        }
        *nump = *n;
        *base = (char *)opaque + fd->offset;
        return 0;
    }
    if (fd->flags & VMS_ALLOC) {
        void **pp = (void **)((char *)opaque + fd->offset);

        if (*n > fd->num) {
            return walk_fail(w, -EINVAL, -1, start,
                             "length %" PRIu32 " exceeds the limit of %" PRIu32, *n, fd->num);
        }
        free(*pp);
        *pp = NULL;
        if (*n) {
            *pp = calloc(*n, fd->size);
            if (!*pp) {
                return walk_fail(w, -ENOMEM, -1, start, "cannot allocate %" PRIu32 " elements", *n);
            }
        }
        *nump = *n;
        *base = *pp;
        return 0;
    }
    /* A device-owned buffer: its size is configuration, not state. */
    if (*n != *nump) {
        return walk_fail(w, -EINVAL, -1, start,
                         "length %" PRIu32 " in the stream, this configuration has %" PRIu32, *n,
                         *nump);
    }
    *base = *(void **)((char *)opaque + fd->offset);
    return 0;
}

static int load_field(Walk *w, const VMStateField *fd, void *opaque)
{
    uint64_t start = w->f->offset;
    uint32_t n = fd->num ? fd->num : 1;
    void *base = NULL;
    int ret;

    if (fd->kind == VMS_KIND_UNUSED) {
        uint8_t junk[64];

        for (size_t left = fd->size; left;) {
            size_t k = left < sizeof(junk) ? left : sizeof(junk);
            size_t got = vmstate_get_buffer(w->f, junk, k);

            if (got != k) {
                return walk_short(w, -1, start, fd->size, fd->size - left + got);
            }
            left -= k;
        }
        return 0;
    }
    if (fd->flags & VMS_VARRAY_UINT32) {
        ret = load_count(w, fd, opaque, &n, &base);
        if (ret < 0) {
            return ret;
        }
    } else {
        if (!(fd->flags & VMS_ARRAY)) {
            n = 1;
        }
        base = field_base(fd, opaque);
    }
    if (!base && n) {
        return walk_fail(w, -EINVAL, -1, start, "NULL pointer in this build's state");
    }
    if (fd->kind == VMS_KIND_BUFFER) {
        size_t len = (size_t)n * fd->size;
        size_t got;

        start = w->f->offset;
        got = vmstate_get_buffer(w->f, base, len);
        if (got != len) {
            return walk_short(w, -1, start, len, got);
        }
        return 0;
    }
    if (fd->kind == VMS_KIND_STRUCT) {
        size_t plen = strlen(w->path);
        uint32_t version;

        start = w->f->offset;
        if (!vmstate_get_be32(w->f, &version)) {
            return walk_short(w, -1, start, 4, w->f->offset - start);
        }
        if (version > INT32_MAX) {
            return walk_fail(w, -EINVAL, -1, start, "invalid version %" PRIu32, version);
        }
        ret = check_version(w, fd->vmsd, (int)version, start, "struct");
        for (uint32_t i = 0; i < n && !ret; i++) {
            if (fd->flags & (VMS_ARRAY | VMS_VARRAY_UINT32)) {
                walk_append(w->path, sizeof(w->path), "[%" PRIu32 "]", i);
            }
            walk_append(w->path, sizeof(w->path), ".");
            ret = load_body(w, fd->vmsd, (char *)base + (size_t)i * fd->size, (int)version);
            w->path[plen] = '\0';
        }
        return ret;
    }
    for (uint32_t i = 0; i < n; i++) {
        int64_t index = (fd->flags & (VMS_ARRAY | VMS_VARRAY_UINT32)) ? (int64_t)i : -1;

        ret = load_scalar(w, fd, (char *)base + (size_t)i * fd->size, index);
        if (ret < 0) {
            return ret;
        }
    }
    return 0;
}

static int load_subsections(Walk *w, const VMStateDescription *vmsd, void *opaque)
{
    for (;;) {
        uint64_t start = w->f->offset;
        const VMStateDescription *sub = NULL;
        char name[256], saved_path[sizeof(w->path)];
        uint8_t mark, nlen;
        uint32_t version;
        size_t wlen;
        int ret;

        if (!vmstate_get_byte(w->f, &mark)) {
            return walk_short(w, -1, start, 1, 0);
        }
        if (mark == VMSTATE_SUBSECTION_END) {
            return 0;
        }
        if (mark != VMSTATE_SUBSECTION_MARK) {
            return walk_fail(w, -EINVAL, -1, start,
                             "expected a subsection or the end of the description, found byte "
                             "0x%02x (the stream is out of step with this build's description)",
                             mark);
        }
        if (!vmstate_get_byte(w->f, &nlen)) {
            return walk_short(w, -1, w->f->offset, 1, 0);
        }
        if (vmstate_get_buffer(w->f, (uint8_t *)name, nlen) != nlen) {
            return walk_short(w, -1, start, nlen + 2u, w->f->offset - start);
        }
        name[nlen] = '\0';
        if (!vmstate_get_be32(w->f, &version)) {
            return walk_short(w, -1, start, nlen + 6u, w->f->offset - start);
        }
        for (const VMStateDescription *const *sp = vmsd->subsections; sp && *sp; sp++) {
            if (strcmp((*sp)->name, name) == 0) {
                sub = *sp;
                break;
            }
        }
        if (!sub) {
            return walk_fail(w, -EINVAL, -1, start,
                             "unknown subsection '%s' (saved by a build with more state)", name);
        }
        if (version > INT32_MAX) {
            return walk_fail(w, -EINVAL, -1, start, "subsection '%s': invalid version %" PRIu32,
                             name, version);
        }
        ret = check_version(w, sub, (int)version, start, "subsection");
        if (ret < 0) {
            return ret;
        }
        wlen = strlen(w->where);
        memcpy(saved_path, w->path, sizeof(saved_path));
        walk_append(w->where, sizeof(w->where), ", subsection '%s'", sub->name);
        w->path[0] = '\0';
        ret = load_body(w, sub, opaque, (int)version);
        w->where[wlen] = '\0';
        memcpy(w->path, saved_path, sizeof(saved_path));
        if (ret < 0) {
            return ret;
        }
    }
}

static int load_body(Walk *w, const VMStateDescription *vmsd, void *opaque, int version_id)
{
    size_t plen = strlen(w->path);
    int ret;

    ret = run_hook(w, vmsd->pre_load, opaque, "pre_load");
    if (ret < 0) {
        return ret;
    }
    for (const VMStateField *fd = vmsd->fields; fd && fd->kind != VMS_KIND_END; fd++) {
        if (!field_present(fd, opaque, version_id)) {
            continue;
        }
        walk_append(w->path, sizeof(w->path), "%s", fd->name);
        ret = load_field(w, fd, opaque);
        w->path[plen] = '\0';
        if (ret < 0) {
            return ret;
        }
    }
    ret = load_subsections(w, vmsd, opaque);
    if (ret < 0) {
        return ret;
    }
    if (vmsd->post_load) {
        ret = vmsd->post_load(opaque, version_id);
        if (ret < 0) {
            error_setg(w->errp, "%s: post_load failed: %s", w->where, strerror(-ret));
            w->err = w->err ? w->err : ret;
            return ret;
        }
    }
    return 0;
}

int vmstate_load_state(VMStateStream *f, const VMStateDescription *vmsd, void *opaque,
                       int version_id, Error **errp)
{
    Walk w = { .f = f, .errp = errp };
    int ret;

    snprintf(w.where, sizeof(w.where), "section '%s'", vmsd->name);
    ret = check_version(&w, vmsd, version_id, f->offset, "section");
    if (ret < 0) {
        return ret;
    }
    return load_body(&w, vmsd, opaque, version_id);
}

/* ---- The handler list ---- */

static VMStateEntry *entries;
static uint64_t entry_seq;

const VMStateEntry *vmstate_first_entry(void)
{
    return entries;
}

const VMStateEntry *vmstate_find_entry(const char *idstr, uint32_t instance_id)
{
    for (VMStateEntry *e = entries; e; e = e->next) {
        if (e->instance_id == instance_id && strcmp(e->idstr, idstr) == 0) {
            return e;
        }
    }
    return NULL;
}

int vmstate_entry_count(void)
{
    int n = 0;

    for (VMStateEntry *e = entries; e; e = e->next) {
        n++;
    }
    return n;
}

int vmstate_register(DeviceState *dev, int instance_id, const VMStateDescription *vmsd,
                     void *opaque, Error **errp)
{
    char *path = dev ? qdev_get_dev_path(dev) : NULL;
    VMStateEntry *e, **pp;
    char *idstr;
    int r;

    r = path ? asprintf(&idstr, "%s/%s", path, vmsd->name) : asprintf(&idstr, "%s", vmsd->name);
    free(path);
    if (r < 0) {
        abort();
    }
    if (instance_id == VMSTATE_INSTANCE_ID_ANY) {
        instance_id = 0;
        for (e = entries; e; e = e->next) {
            if (strcmp(e->idstr, idstr) == 0 && (int64_t)e->instance_id >= instance_id) {
                instance_id = e->instance_id + 1;
            }
        }
    } else if (instance_id < 0 || vmstate_find_entry(idstr, instance_id)) {
        error_setg(errp, "vmstate section '%s' instance %d is already registered", idstr,
                   instance_id);
        free(idstr);
        return instance_id < 0 ? -EINVAL : -EEXIST;
    }
    e = calloc(1, sizeof(*e));
    if (!e) {
        abort();
    }
    e->idstr = idstr;
    e->instance_id = instance_id;
    e->vmsd = vmsd;
    e->opaque = opaque;
    e->dev = dev;
    e->priority = vmsd->priority;
    e->seq = entry_seq++;
    /* after every entry of the same or a higher priority */
    for (pp = &entries; *pp && (*pp)->priority >= e->priority; pp = &(*pp)->next) {
    }
    e->next = *pp;
    *pp = e;
    return 0;
}

void vmstate_unregister(DeviceState *dev, const VMStateDescription *vmsd, void *opaque)
{
    for (VMStateEntry **pp = &entries; *pp;) {
        VMStateEntry *e = *pp;

        if (e->vmsd == vmsd && e->opaque == opaque && (!dev || e->dev == dev)) {
            *pp = e->next;
            free(e->idstr);
            free(e);
        } else {
            pp = &e->next;
        }
    }
}
