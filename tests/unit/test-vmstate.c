/*
 * Unit tests of the VMState walker and section list: a round trip through
 * every field kind, the big-endian encoding, versioned and tested fields,
 * subsections, version checks, truncated and corrupt input (errors must
 * name the section, the field and the offset), hooks, and the priority
 * order of vmstate_register.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hw/core/qdev.h"
#include "migration/vmstate.h"
#include "tap.h"

static bool contains(const char *hay, const char *needle)
{
    bool ok = hay && strstr(hay, needle) != NULL;

    if (!ok) {
        tap_diag("'%s' not found in '%s'", needle, hay ? hay : "(null)");
    }
    return ok;
}

/* err mentions a and b (b may be NULL); frees it. */
static bool err_mentions(Error *err, const char *a, const char *b)
{
    bool ok;

    if (!err) {
        tap_diag("no error");
        return false;
    }
    ok = contains(error_get_pretty(err), a) && (!b || contains(error_get_pretty(err), b));
    error_free(err);
    return ok;
}

/* ---- every field kind ---- */

typedef struct Inner {
    uint16_t a;
    int8_t b;
} Inner;

static const VMStateDescription vmstate_inner = {
    .name = "inner",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields =
        (const VMStateField[]){
            VMSTATE_UINT16(a, Inner),
            VMSTATE_INT8(b, Inner),
            VMSTATE_END_OF_LIST(),
        },
};

typedef struct Everything {
    int8_t i8;
    int16_t i16;
    int32_t i32;
    int64_t i64;
    uint8_t u8;
    uint16_t u16;
    uint32_t u32;
    uint64_t u64;
    bool flag;
    uint8_t buf[5];
    uint8_t arr8[3];
    uint32_t arr32[4];
    uint64_t arr64[2];
    int16_t arri16[2];
    bool bools[2];
    uint16_t arr2d[2][3];
    Inner inner;
    Inner inners[3];
    Inner *pinner;
    QEMUTimer *timer;
    QEMUTimer *idle_timer;
    QEMUTimer embedded_timer;
    uint32_t vcount;
    uint16_t varr[8];
    uint32_t vlen;
    uint8_t *vbuf;
    uint32_t alen;
    uint8_t *abuf;
    uint32_t ninner;
    Inner vinners[4];
    uint32_t cfg;
} Everything;

static const VMStateDescription vmstate_everything = {
    .name = "everything",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields =
        (const VMStateField[]){
            VMSTATE_INT8(i8, Everything),
            VMSTATE_INT16(i16, Everything),
            VMSTATE_INT32(i32, Everything),
            VMSTATE_INT64(i64, Everything),
            VMSTATE_UINT8(u8, Everything),
            VMSTATE_UINT16(u16, Everything),
            VMSTATE_UINT32(u32, Everything),
            VMSTATE_UINT64(u64, Everything),
            VMSTATE_BOOL(flag, Everything),
            VMSTATE_BUFFER(buf, Everything),
            VMSTATE_UINT8_ARRAY(arr8, Everything, 3),
            VMSTATE_UINT32_ARRAY(arr32, Everything, 4),
            VMSTATE_UINT64_ARRAY(arr64, Everything, 2),
            VMSTATE_INT16_ARRAY(arri16, Everything, 2),
            VMSTATE_BOOL_ARRAY(bools, Everything, 2),
            VMSTATE_UINT16_2DARRAY(arr2d, Everything, 2, 3),
            VMSTATE_UNUSED(4),
            VMSTATE_STRUCT(inner, Everything, 0, vmstate_inner, Inner),
            VMSTATE_STRUCT_ARRAY(inners, Everything, 3, 0, vmstate_inner, Inner),
            VMSTATE_STRUCT_POINTER(pinner, Everything, vmstate_inner, Inner),
            VMSTATE_TIMER_PTR(timer, Everything),
            VMSTATE_TIMER_PTR(idle_timer, Everything),
            VMSTATE_TIMER(embedded_timer, Everything),
            VMSTATE_UINT16_VARRAY_UINT32(varr, Everything, vcount),
            VMSTATE_VBUFFER_UINT32(vbuf, Everything, 0, NULL, vlen),
            VMSTATE_VBUFFER_ALLOC_UINT32(abuf, Everything, 0, NULL, alen, 1024),
            VMSTATE_STRUCT_VARRAY_UINT32(vinners, Everything, ninner, 0, vmstate_inner, Inner),
            VMSTATE_UINT32_EQUAL(cfg, Everything),
            VMSTATE_END_OF_LIST(),
        },
};

static void timer_cb(void *opaque) {}

/* An instance with its pointers set up, as a device would have it. */
static void everything_init(Everything *e, Inner *pinner, uint8_t *vbuf)
{
    memset(e, 0, sizeof(*e));
    e->pinner = pinner;
    e->timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, timer_cb, NULL);
    e->idle_timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, timer_cb, NULL);
    timer_init_ns(&e->embedded_timer, QEMU_CLOCK_VIRTUAL, timer_cb, NULL);
    e->vlen = 6;
    e->vbuf = vbuf;
    e->cfg = 42;
}

static void everything_fini(Everything *e)
{
    timer_free(e->timer);
    timer_free(e->idle_timer);
    timer_deinit(&e->embedded_timer);
    free(e->abuf);
}

static void everything_fill(Everything *e)
{
    e->i8 = -2;
    e->i16 = -300;
    e->i32 = -70000;
    e->i64 = -5000000000LL;
    e->u8 = 0xab;
    e->u16 = 0xbeef;
    e->u32 = 0xdeadbeef;
    e->u64 = 0x0123456789abcdefULL;
    e->flag = true;
    memcpy(e->buf, "hello", 5);
    for (int i = 0; i < 3; i++) {
        e->arr8[i] = 10 + i;
        e->inners[i].a = 1000 + i;
        e->inners[i].b = -i;
    }
    for (int i = 0; i < 4; i++) {
        e->arr32[i] = 0x11111111u * (i + 1);
    }
    e->arr64[0] = UINT64_MAX;
    e->arr64[1] = 7;
    e->arri16[0] = -1;
    e->arri16[1] = 32767;
    e->bools[1] = true;
    for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 3; j++) {
            e->arr2d[i][j] = i * 10 + j;
        }
    }
    e->inner.a = 0x5555;
    e->inner.b = -128;
    e->pinner->a = 777;
    e->pinner->b = 77;
    timer_mod_ns(e->timer, 123456789);
    timer_mod_ns(&e->embedded_timer, 42);
    e->vcount = 3;
    e->varr[0] = 1;
    e->varr[1] = 2;
    e->varr[2] = 3;
    memcpy(e->vbuf, "vbuf!!", 6);
    e->alen = 3;
    e->abuf = malloc(3);
    memcpy(e->abuf, "xyz", 3);
    e->ninner = 2;
    e->vinners[0].a = 9;
    e->vinners[1].b = 8;
}

/* Size of the encoding of vmstate_everything filled as above. */
static size_t everything_size(void)
{
    size_t n = 1 + 2 + 4 + 8 + 1 + 2 + 4 + 8 + 1; /* scalars */

    n += 5 + 3 + 16 + 16 + 4 + 2 + 12 + 4; /* buffers, arrays, unused */
    n += 4 + 3 + 1;                        /* inner: version, a, b, end */
    n += 4 + 3 * 4;                        /* inners */
    n += 4 + 4;                            /* pinner */
    n += 8 * 3;                            /* timers */
    n += 4 + 3 * 2;                        /* varr */
    n += 4 + 6;                            /* vbuf */
    n += 4 + 3;                            /* abuf */
    n += 4 + 4 + 2 * 4;                    /* vinners */
    n += 4;                                /* cfg */
    return n + 1;                          /* end of subsections */
}

static bool save(const VMStateDescription *vmsd, void *opaque, VMStateBuffer *out)
{
    VMStateStream s;

    memset(out, 0, sizeof(*out));
    vmstate_stream_init_buffer_writer(&s, out);
    return vmstate_save_state(&s, vmsd, opaque, &error_abort) == 0 && s.offset == out->len;
}

/* Load len bytes of buf; returns the result and the error (or NULL). */
static int load(const VMStateDescription *vmsd, void *opaque, int version, const uint8_t *data,
                size_t len, Error **errp, size_t *consumed)
{
    VMStateBuffer in = { .data = (uint8_t *)data, .len = len };
    VMStateStream s;
    int ret;

    vmstate_stream_init_buffer_reader(&s, &in);
    ret = vmstate_load_state(&s, vmsd, opaque, version, errp);
    if (consumed) {
        *consumed = in.pos;
    }
    return ret;
}

static void test_round_trip(void)
{
    Everything src, dst;
    Inner psrc, pdst;
    uint8_t vsrc[6], vdst[6];
    VMStateBuffer out;
    size_t consumed;
    bool same = true;

    everything_init(&src, &psrc, vsrc);
    everything_fill(&src);
    tap_ok(save(&vmstate_everything, &src, &out), "save every field kind");
    tap_ok(out.len == everything_size(), "encoded size is as documented (%zu, expected %zu)",
           out.len, everything_size());
    tap_ok(out.data[0] == 0xfe && out.data[1] == 0xfe && out.data[2] == 0xd4,
           "integers are big-endian (int8 -2, int16 -300)");
    tap_ok(memcmp(out.data + 1 + 2 + 4 + 8 + 1 + 2, "\xde\xad\xbe\xef", 4) == 0,
           "uint32 is big-endian");

    everything_init(&dst, &pdst, vdst);
    timer_mod_ns(dst.idle_timer, 999); /* must be disarmed by the load */
    tap_ok(load(&vmstate_everything, &dst, 1, out.data, out.len, &error_abort, &consumed) == 0 &&
               consumed == out.len,
           "load consumes exactly what was saved");

    same &= dst.i8 == src.i8 && dst.i16 == src.i16 && dst.i32 == src.i32 && dst.i64 == src.i64;
    same &= dst.u8 == src.u8 && dst.u16 == src.u16 && dst.u32 == src.u32 && dst.u64 == src.u64;
    same &= dst.flag == src.flag;
    tap_ok(same, "scalars round-trip");
    tap_ok(memcmp(dst.buf, src.buf, 5) == 0 && memcmp(dst.arr8, src.arr8, 3) == 0 &&
               memcmp(dst.arr32, src.arr32, sizeof(src.arr32)) == 0 &&
               memcmp(dst.arr64, src.arr64, sizeof(src.arr64)) == 0 &&
               memcmp(dst.arri16, src.arri16, sizeof(src.arri16)) == 0 && dst.bools[0] == false &&
               dst.bools[1] == true && memcmp(dst.arr2d, src.arr2d, sizeof(src.arr2d)) == 0,
           "buffers, arrays and 2D arrays round-trip");
    same = dst.inner.a == src.inner.a && dst.inner.b == src.inner.b;
    for (int i = 0; i < 3; i++) {
        same &= dst.inners[i].a == src.inners[i].a && dst.inners[i].b == src.inners[i].b;
    }
    tap_ok(same, "structs and struct arrays round-trip");
    tap_ok(dst.pinner == &pdst && pdst.a == 777 && pdst.b == 77,
           "pointer-to-struct loads into the pointed-to struct");
    tap_ok(timer_expire_time_ns(dst.timer) == 123456789 && !timer_pending(dst.idle_timer) &&
               timer_expire_time_ns(&dst.embedded_timer) == 42,
           "timers: armed ones re-armed at their expiry, idle ones disarmed");
    tap_ok(dst.vcount == 3 && dst.varr[2] == 3 && dst.varr[3] == 0,
           "variable array loads its count and elements");
    tap_ok(dst.vbuf == vdst && memcmp(vdst, "vbuf!!", 6) == 0,
           "device-owned variable buffer is filled in place");
    tap_ok(dst.alen == 3 && dst.abuf && memcmp(dst.abuf, "xyz", 3) == 0,
           "allocated variable buffer is allocated to the loaded length");
    tap_ok(dst.ninner == 2 && dst.vinners[0].a == 9 && dst.vinners[1].b == 8,
           "variable struct array round-trips");

    /* A mismatch of configuration fails, naming the field. */
    {
        Error *err = NULL;

        everything_fini(&dst);
        everything_init(&dst, &pdst, vdst);
        dst.cfg = 43;
        tap_ok(load(&vmstate_everything, &dst, 1, out.data, out.len, &err, NULL) < 0 &&
                   err_mentions(err, "field 'cfg'",
                                "value 42 in the stream, this configuration has 43"),
               "EQUAL field mismatch fails");
        everything_fini(&dst);
        everything_init(&dst, &pdst, vdst);
        dst.vlen = 5;
        err = NULL;
        tap_ok(load(&vmstate_everything, &dst, 1, out.data, out.len, &err, NULL) < 0 &&
                   err_mentions(err, "field 'vbuf'", "length 6 in the stream"),
               "device-owned buffer of another size fails");
    }

    /* Truncation anywhere fails cleanly. */
    {
        bool all_fail = true;

        for (size_t len = 0; len < out.len; len++) {
            Error *err = NULL;

            everything_fini(&dst);
            everything_init(&dst, &pdst, vdst);
            if (load(&vmstate_everything, &dst, 1, out.data, len, &err, NULL) >= 0 || !err ||
                !strstr(error_get_pretty(err), "section 'everything'") ||
                !strstr(error_get_pretty(err), "byte offset")) {
                tap_diag("truncated at %zu: %s", len, err ? error_get_pretty(err) : "no error");
                all_fail = false;
            }
            error_free(err);
        }
        tap_ok(all_fail, "every truncation fails naming the section and an offset");
    }
    {
        Error *err = NULL;
        size_t u32_at = 1 + 2 + 4 + 8 + 1 + 2;

        everything_fini(&dst);
        everything_init(&dst, &pdst, vdst);
        tap_ok(load(&vmstate_everything, &dst, 1, out.data, u32_at + 2, &err, NULL) == -EIO &&
                   err_mentions(err, "field 'u32'", "byte offset 18: unexpected end of stream"),
               "truncation in a scalar names the field and its offset");
    }
    {
        Error *err = NULL;
        /* inners starts after the scalars, arrays, unused and inner */
        size_t inners_at = 1 + 2 + 4 + 8 + 1 + 2 + 4 + 8 + 1 + 5 + 3 + 16 + 16 + 4 + 2 + 12 + 4 + 8;
        size_t cut = inners_at + 4 + 4 + 2; /* in inners[1].b */

        everything_fini(&dst);
        everything_init(&dst, &pdst, vdst);
        tap_ok(load(&vmstate_everything, &dst, 1, out.data, cut, &err, NULL) < 0 &&
                   err_mentions(err, "field 'inners[1].b'", NULL),
               "truncation in a nested struct names the path");
    }
    {
        Error *err = NULL;
        uint8_t *bad = malloc(out.len);
        size_t flag_at = 1 + 2 + 4 + 8 + 1 + 2 + 4 + 8;

        memcpy(bad, out.data, out.len);
        bad[flag_at] = 2;
        everything_fini(&dst);
        everything_init(&dst, &pdst, vdst);
        tap_ok(load(&vmstate_everything, &dst, 1, bad, out.len, &err, NULL) < 0 &&
                   err_mentions(err, "field 'flag'", "invalid bool"),
               "a bool other than 0/1 is refused");
        free(bad);
    }
    {
        /* a varray count above the capacity must not overflow the array */
        Error *err = NULL;
        uint8_t *bad = malloc(out.len);
        size_t varr_at = everything_size() - 1 - 4 - (4 + 4 + 8) - (4 + 3) - (4 + 6) - (4 + 6);

        memcpy(bad, out.data, out.len);
        tap_ok(bad[varr_at + 3] == 3, "varray count found where expected");
        bad[varr_at + 3] = 9;
        everything_fini(&dst);
        everything_init(&dst, &pdst, vdst);
        tap_ok(load(&vmstate_everything, &dst, 1, bad, out.len, &err, NULL) < 0 &&
                   err_mentions(err, "field 'varr'", "count 9 exceeds the array's 8 elements"),
               "a variable array count above capacity is refused");
        free(bad);
    }
    everything_fini(&dst);
    everything_fini(&src);
    vmstate_buffer_free(&out);
}

/* ---- versions, tests, subsections ---- */

typedef struct Ver {
    uint32_t a;
    uint32_t b;
    bool has_extra;
    uint32_t extra;
    uint32_t sub_val;
    uint8_t sub2[2];
    int pre_save_calls;
    int post_load_version;
    int fail_pre_load;
} Ver;

static bool ver_has_extra(void *opaque, int version_id)
{
    return ((Ver *)opaque)->has_extra;
}

static bool ver_sub_needed(void *opaque)
{
    return ((Ver *)opaque)->sub_val != 0;
}

static int ver_pre_save(void *opaque)
{
    ((Ver *)opaque)->pre_save_calls++;
    return 0;
}

static int ver_pre_load(void *opaque)
{
    return ((Ver *)opaque)->fail_pre_load ? -EINVAL : 0;
}

static int ver_post_load(void *opaque, int version_id)
{
    ((Ver *)opaque)->post_load_version = version_id;
    return 0;
}

static const VMStateDescription vmstate_ver_sub = {
    .name = "ver/sub",
    .version_id = 1,
    .minimum_version_id = 1,
    .needed = ver_sub_needed,
    .fields =
        (const VMStateField[]){
            VMSTATE_UINT32(sub_val, Ver),
            VMSTATE_END_OF_LIST(),
        },
};

static const VMStateDescription vmstate_ver_sub2 = {
    .name = "ver/sub2",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields =
        (const VMStateField[]){
            VMSTATE_UINT8_ARRAY(sub2, Ver, 2),
            VMSTATE_END_OF_LIST(),
        },
};

/* Version 2 added b; extra exists only when has_extra. */
static const VMStateDescription vmstate_ver = {
    .name = "ver",
    .version_id = 2,
    .minimum_version_id = 1,
    .pre_save = ver_pre_save,
    .pre_load = ver_pre_load,
    .post_load = ver_post_load,
    .fields =
        (const VMStateField[]){
            VMSTATE_UINT32(a, Ver),
            VMSTATE_UINT32_V(b, Ver, 2),
            VMSTATE_BOOL(has_extra, Ver),
            VMSTATE_UINT32_TEST(extra, Ver, ver_has_extra),
            VMSTATE_END_OF_LIST(),
        },
    .subsections =
        (const VMStateDescription *const[]){
            &vmstate_ver_sub,
            &vmstate_ver_sub2,
            NULL,
        },
};

/* What version 1 of the same device saved. */
static const VMStateDescription vmstate_ver_v1 = {
    .name = "ver",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields =
        (const VMStateField[]){
            VMSTATE_UINT32(a, Ver),
            VMSTATE_BOOL(has_extra, Ver),
            VMSTATE_UINT32_TEST(extra, Ver, ver_has_extra),
            VMSTATE_END_OF_LIST(),
        },
};

/* A build that never had subsection "ver/sub". */
static const VMStateDescription vmstate_ver_nosub = {
    .name = "ver",
    .version_id = 2,
    .minimum_version_id = 1,
    .fields =
        (const VMStateField[]){
            VMSTATE_UINT32(a, Ver),
            VMSTATE_UINT32_V(b, Ver, 2),
            VMSTATE_BOOL(has_extra, Ver),
            VMSTATE_UINT32_TEST(extra, Ver, ver_has_extra),
            VMSTATE_END_OF_LIST(),
        },
    .subsections =
        (const VMStateDescription *const[]){
            &vmstate_ver_sub2,
            NULL,
        },
};

static void test_versions(void)
{
    Ver src = { .a = 1, .b = 2, .has_extra = false, .extra = 3, .sub2 = { 4, 5 } };
    Ver dst;
    VMStateBuffer out, out2;
    size_t consumed;
    Error *err = NULL;

    /* an old (v1) stream into this build */
    tap_ok(save(&vmstate_ver_v1, &src, &out), "save with the v1 description");
    tap_ok(out.len == 4 + 1 + 1, "v1 stream has a, has_extra and the end mark");
    memset(&dst, 0, sizeof(dst));
    dst.b = 77;
    tap_ok(load(&vmstate_ver, &dst, 1, out.data, out.len, &error_abort, &consumed) == 0 &&
               consumed == out.len && dst.a == 1 && dst.b == 77 && dst.post_load_version == 1,
           "a v1 stream loads: the v2 field is left alone, post_load sees version 1");
    vmstate_buffer_free(&out);

    /* field_exists: extra absent, then present */
    tap_ok(save(&vmstate_ver, &src, &out) && src.pre_save_calls == 1, "pre_save runs");
    /* a, b, has_extra, sub2 subsection (mark, len, name, version, 2 bytes, end), end */
    tap_ok(out.len == 4 + 4 + 1 + (1 + 1 + 8 + 4 + 2 + 1) + 1,
           "absent test field and unneeded subsection cost nothing (%zu bytes)", out.len);
    src.has_extra = true;
    tap_ok(save(&vmstate_ver, &src, &out2) && out2.len == out.len + 4,
           "present test field adds its bytes");
    memset(&dst, 0, sizeof(dst));
    tap_ok(load(&vmstate_ver, &dst, 2, out2.data, out2.len, &error_abort, &consumed) == 0 &&
               consumed == out2.len && dst.extra == 3 && dst.b == 2 && dst.sub2[1] == 5,
           "field_exists is evaluated on the loaded state");
    vmstate_buffer_free(&out);
    vmstate_buffer_free(&out2);

    /* subsection needed: present in the stream and loaded */
    src.sub_val = 9;
    tap_ok(save(&vmstate_ver, &src, &out), "save with a needed subsection");
    memset(&dst, 0, sizeof(dst));
    tap_ok(load(&vmstate_ver, &dst, 2, out.data, out.len, &error_abort, &consumed) == 0 &&
               consumed == out.len && dst.sub_val == 9,
           "needed subsection round-trips");
    err = NULL;
    memset(&dst, 0, sizeof(dst));
    tap_ok(load(&vmstate_ver_nosub, &dst, 2, out.data, out.len, &err, NULL) < 0 &&
               err_mentions(err, "section 'ver'", "unknown subsection 'ver/sub'"),
           "a subsection this build does not know fails naming it");

    /* subsection with a version this build does not support */
    {
        uint8_t *bad = malloc(out.len);
        size_t ver_at = 4 + 4 + 1 + 4 + 1 + 1 + 7; /* the be32 after "ver/sub" */

        memcpy(bad, out.data, out.len);
        tap_ok(memcmp(bad + ver_at - 7, "ver/sub", 7) == 0, "subsection name is in the stream");
        bad[ver_at + 3] = 5;
        err = NULL;
        tap_ok(load(&vmstate_ver, &dst, 2, bad, out.len, &err, NULL) < 0 &&
                   err_mentions(err, "subsection 'ver/sub' has version 5", "newer"),
               "a too-new subsection fails naming it");
        memcpy(bad, out.data, out.len);
        bad[ver_at - 9] = 0x42; /* the subsection mark */
        err = NULL;
        tap_ok(load(&vmstate_ver, &dst, 2, bad, out.len, &err, NULL) < 0 &&
                   err_mentions(err, "section 'ver'", "0x42"),
               "a bad subsection mark says the stream is out of step");
        free(bad);
    }
    vmstate_buffer_free(&out);

    /* section version bounds */
    tap_ok(save(&vmstate_ver, &src, &out), "save again");
    err = NULL;
    tap_ok(load(&vmstate_ver, &dst, 3, out.data, out.len, &err, NULL) == -EINVAL &&
               err_mentions(err, "section 'ver'", "version 3, newer than this build supports (2)"),
           "a version above version_id fails naming the section");
    err = NULL;
    tap_ok(load(&vmstate_ver, &dst, 0, out.data, out.len, &err, NULL) == -EINVAL &&
               err_mentions(err, "section 'ver'", "older than this build still loads (1)"),
           "a version below minimum_version_id fails naming the section");

    /* hook failure */
    memset(&dst, 0, sizeof(dst));
    dst.fail_pre_load = 1;
    err = NULL;
    tap_ok(load(&vmstate_ver, &dst, 2, out.data, out.len, &err, NULL) == -EINVAL &&
               err_mentions(err, "section 'ver'", "pre_load failed"),
           "a failing pre_load fails the load naming the section");

    /* truncated inside a subsection */
    err = NULL;
    memset(&dst, 0, sizeof(dst));
    tap_ok(load(&vmstate_ver, &dst, 2, out.data, 4 + 4 + 1 + 4 + 1 + 1 + 7 + 4 + 2, &err, NULL) <
                   0 &&
               err_mentions(err, "subsection 'ver/sub', field 'sub_val'", "byte offset 26"),
           "truncation in a subsection names it, the field and the offset");
    vmstate_buffer_free(&out);
}

/* ---- the section list ---- */

static const VMStateDescription vmsd_default = { .name = "dflt", .version_id = 1 };
static const VMStateDescription vmsd_iommu = { .name = "iommu",
                                               .version_id = 1,
                                               .priority = MIG_PRI_IOMMU };
static const VMStateDescription vmsd_pcibus = { .name = "pcibus",
                                                .version_id = 1,
                                                .priority = MIG_PRI_PCI_BUS };
static const VMStateDescription vmsd_other = { .name = "other", .version_id = 1 };

typedef struct PathDev {
    DeviceState parent;
    uint32_t reg;
} PathDev;

static const VMStateDescription vmstate_path_dev = {
    .name = "path-dev",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields =
        (const VMStateField[]){
            VMSTATE_UINT32(reg, PathDev),
            VMSTATE_END_OF_LIST(),
        },
};

static char *path_bus_dev_path(DeviceState *dev)
{
    char *s;

    if (asprintf(&s, "0000:00:%02x.0", (unsigned)((PathDev *)dev)->reg) < 0) {
        abort();
    }
    return s;
}

static const BusTypeInfo path_bus_info = {
    .name = "test-path-bus",
    .get_dev_path = path_bus_dev_path,
};
BUS_TYPE(path_bus_info)

static const DeviceTypeInfo path_dev_info = {
    .name = "path-dev",
    .bus_kind = "test-path-bus",
    .instance_size = sizeof(PathDev),
    .vmsd = &vmstate_path_dev,
};
DEVICE_TYPE(path_dev_info)

static void test_register(void)
{
    int a, b, c, d, e;
    const char *expect[] = { "pcibus", "iommu", "iommu", "dflt", "other", "dflt" };
    const VMStateEntry *ent;
    Error *err = NULL;
    bool ok = true;
    int i = 0;
    BusState *bus;
    DeviceState *dev;

    tap_ok(
        vmstate_register(NULL, VMSTATE_INSTANCE_ID_ANY, &vmsd_default, &a, &error_abort) == 0 &&
            vmstate_register(NULL, VMSTATE_INSTANCE_ID_ANY, &vmsd_iommu, &b, &error_abort) == 0 &&
            vmstate_register(NULL, VMSTATE_INSTANCE_ID_ANY, &vmsd_other, &c, &error_abort) == 0 &&
            vmstate_register(NULL, VMSTATE_INSTANCE_ID_ANY, &vmsd_pcibus, &d, &error_abort) == 0 &&
            vmstate_register(NULL, VMSTATE_INSTANCE_ID_ANY, &vmsd_iommu, &e, &error_abort) == 0 &&
            vmstate_register(NULL, VMSTATE_INSTANCE_ID_ANY, &vmsd_default, &e, &error_abort) == 0,
        "register sections");
    for (ent = vmstate_first_entry(); ent; ent = vmstate_next_entry(ent), i++) {
        if (i >= 6 || strcmp(ent->idstr, expect[i]) != 0) {
            tap_diag("entry %d is '%s'", i, ent->idstr);
            ok = false;
        }
    }
    tap_ok(ok && i == 6, "sorted by priority, highest first, then registration order");
    ent = vmstate_first_entry()->next;
    tap_ok(ent->opaque == &b && ent->instance_id == 0 && ent->next->opaque == &e &&
               ent->next->instance_id == 1,
           "automatic instance ids count per section name");
    tap_ok(vmstate_find_entry("dflt", 1) && vmstate_find_entry("dflt", 1)->opaque == &e,
           "find an entry by name and instance");
    tap_ok(vmstate_register(NULL, 1, &vmsd_default, &a, &err) == -EEXIST &&
               err_mentions(err, "'dflt' instance 1", "already registered"),
           "a taken instance id is refused");
    vmstate_unregister(NULL, &vmsd_iommu, &b);
    tap_ok(vmstate_entry_count() == 5 && vmstate_find_entry("iommu", 0) == NULL,
           "unregister removes exactly that entry");

    bus = qbus_new("test-path-bus", NULL, NULL);
    dev = qdev_new("path-dev", &error_abort);
    ((PathDev *)dev)->reg = 5;
    qdev_realize(dev, bus, &error_abort);
    tap_ok(vmstate_find_entry("0000:00:05.0/path-dev", 0) != NULL,
           "a device's section is named by its bus path");
    qdev_delete(dev);
    qbus_delete(bus);

    vmstate_unregister(NULL, &vmsd_default, &a);
    vmstate_unregister(NULL, &vmsd_default, &e);
    vmstate_unregister(NULL, &vmsd_other, &c);
    vmstate_unregister(NULL, &vmsd_pcibus, &d);
    vmstate_unregister(NULL, &vmsd_iommu, &e);
    tap_ok(vmstate_entry_count() == 0, "the list is empty again");
}

int main(void)
{
    test_round_trip();
    test_versions();
    test_register();
    return tap_done();
}
