/*
 * VMState: how a device describes its state for savevm and migration.
 *
 * A VMStateDescription lists the fields of a C struct (the device's
 * FooState or a piece of it) with their types, the version each field
 * appeared in, optional tests, nested structs and subsections. One walker
 * (migration/vmstate.c) saves and loads any description through an
 * abstract byte stream (VMStateStream); the savevm stream format wraps
 * these bytes in sections.
 *
 * Encoding of one description's body (all integers big-endian):
 *   - each field present (version and field_exists allow it), in order:
 *       integers in their size, bool as one byte 0/1, buffers raw,
 *       arrays element after element, timers as int64 expiry in ns (-1 when
 *       not armed), unused bytes as zeros;
 *       variable-length arrays/buffers: be32 element count, then elements;
 *       nested structs: be32 version of the nested description, then for
 *       each element its body (recursively, with its own subsections);
 *   - then each subsection whose needed() is true:
 *       byte 0x05, byte name length, name, be32 version, body;
 *   - then byte 0x00 (end of subsections).
 * Loading checks every version against version_id / minimum_version_id
 * and every error names the section, the field and the stream offset.
 *
 * Growing a device's state: add a subsection with a needed() test rather
 * than bumping the version (an older build then still loads the stream
 * whenever the new state is in its default).
 *
 * Every device should register its description from day one (a
 * DeviceTypeInfo's .vmsd is registered by qdev_realize).
 */
#ifndef MIGRATION_VMSTATE_H
#define MIGRATION_VMSTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"
#include "util/timer.h"

typedef struct VMStateDescription VMStateDescription;
typedef struct VMStateField VMStateField;
typedef struct DeviceState DeviceState;

/* Load order of sections: higher first; registration order within one. */
typedef enum MigrationPriority {
    MIG_PRI_DEFAULT = 0,
    MIG_PRI_IOMMU,   /* before any device whose DMA it translates */
    MIG_PRI_PCI_BUS, /* bus numbers, before the IOMMU (which looks devices up by bus) */
    MIG_PRI_MAX,
} MigrationPriority;

/* Element types. */
typedef enum VMStateKind {
    VMS_KIND_END = 0, /* terminates a field list */
    VMS_KIND_INT8,
    VMS_KIND_INT16,
    VMS_KIND_INT32,
    VMS_KIND_INT64,
    VMS_KIND_UINT8,
    VMS_KIND_UINT16,
    VMS_KIND_UINT32,
    VMS_KIND_UINT64,
    VMS_KIND_BOOL,
    VMS_KIND_BUFFER, /* size bytes, raw */
    VMS_KIND_STRUCT, /* size bytes described by vmsd */
    VMS_KIND_TIMER,  /* a QEMUTimer (pointer with VMS_POINTER) */
    VMS_KIND_UNUSED, /* size bytes of padding: zeros out, skipped in */
} VMStateKind;

/* Layout flags. */
enum {
    /* the field is a pointer to the element(s) rather than the element(s) */
    VMS_POINTER = 1 << 0,
    /* num elements (array; 2D arrays flattened) */
    VMS_ARRAY = 1 << 1,
    /* element count in the uint32 at num_offset, at most num; on load the
     * stream's count is stored there (must not exceed num) */
    VMS_VARRAY_UINT32 = 1 << 2,
    /* with VMS_POINTER and VMS_VARRAY_UINT32 on a buffer: the pointed-to
     * buffer is (re)allocated to the loaded length; without it the loaded
     * length must equal the uint32 at num_offset */
    VMS_ALLOC = 1 << 3,
    /* load checks that the value equals the current one (configuration
     * that must match, e.g. a number of lines) instead of storing it */
    VMS_MUST_EQUAL = 1 << 4,
};

struct VMStateField {
    const char *name;
    VMStateKind kind;
    uint32_t flags;
    size_t offset;
    size_t size;                    /* of one element */
    uint32_t num;                   /* array length; capacity for VMS_VARRAY_UINT32 */
    size_t num_offset;              /* VMS_VARRAY_UINT32: offset of the uint32 count */
    const VMStateDescription *vmsd; /* VMS_KIND_STRUCT */
    int version_id;                 /* present from this version of the description on */
    /* present only if this returns true (also on save) */
    bool (*field_exists)(void *opaque, int version_id);
};

struct VMStateDescription {
    const char *name;
    int version_id;
    int minimum_version_id;
    MigrationPriority priority;
    const VMStateField *fields; /* ended by VMSTATE_END_OF_LIST() */
    /* NULL-terminated; a subsection is sent only if its needed() is true
     * (needed NULL: always) */
    const VMStateDescription *const *subsections;
    bool (*needed)(void *opaque);
    /* hooks return 0 or a negative errno; the walker turns a failure into
     * an error naming the description */
    int (*pre_save)(void *opaque);
    int (*post_save)(void *opaque);
    int (*pre_load)(void *opaque);
    int (*post_load)(void *opaque, int version_id);
};

/* ---- The byte stream ---- */

typedef struct VMStateStreamOps {
    /* append len bytes (a failure is reported through get_error) */
    void (*put_buffer)(void *opaque, const uint8_t *buf, size_t len);
    /* read up to len bytes; fewer only at end of input or on error */
    size_t (*get_buffer)(void *opaque, uint8_t *buf, size_t len);
    /* 0 while healthy, negative errno once the channel failed; may be NULL */
    int (*get_error)(void *opaque);
} VMStateStreamOps;

/* A stream: ops plus the byte offset the walker keeps for messages. The
 * savevm layer may start offset at the position in its file. */
typedef struct VMStateStream {
    const VMStateStreamOps *ops;
    void *opaque;
    uint64_t offset;
} VMStateStream;

void vmstate_stream_init(VMStateStream *s, const VMStateStreamOps *ops, void *opaque);

/* An in-memory stream (tests, snapshots of one device, the JSON tool). */
typedef struct VMStateBuffer {
    uint8_t *data;
    size_t len; /* bytes written / available */
    size_t cap;
    size_t pos; /* read position */
} VMStateBuffer;

/* Write into buf (growing it); free with vmstate_buffer_free. */
void vmstate_stream_init_buffer_writer(VMStateStream *s, VMStateBuffer *buf);
/* Read buf->data[buf->pos .. buf->len). */
void vmstate_stream_init_buffer_reader(VMStateStream *s, VMStateBuffer *buf);
void vmstate_buffer_free(VMStateBuffer *buf);

/* Primitive encoders (big-endian) for the savevm layer; they keep offset. */
void vmstate_put_buffer(VMStateStream *s, const uint8_t *buf, size_t len);
void vmstate_put_byte(VMStateStream *s, uint8_t v);
void vmstate_put_be16(VMStateStream *s, uint16_t v);
void vmstate_put_be32(VMStateStream *s, uint32_t v);
void vmstate_put_be64(VMStateStream *s, uint64_t v);
/* Return the number of bytes read (short at end of input). */
size_t vmstate_get_buffer(VMStateStream *s, uint8_t *buf, size_t len);
/* Return false at end of input or on error (*v then 0). */
bool vmstate_get_byte(VMStateStream *s, uint8_t *v);
bool vmstate_get_be16(VMStateStream *s, uint16_t *v);
bool vmstate_get_be32(VMStateStream *s, uint32_t *v);
bool vmstate_get_be64(VMStateStream *s, uint64_t *v);
int vmstate_stream_error(VMStateStream *s);

/* ---- Save and load ---- */

#define VMSTATE_SUBSECTION_MARK 0x05
#define VMSTATE_SUBSECTION_END  0x00

/*
 * Write the body of vmsd for the struct at opaque (pre_save, fields,
 * subsections, post_save). 0 or a negative errno with *errp naming the
 * section and field.
 */
int vmstate_save_state(VMStateStream *f, const VMStateDescription *vmsd, void *opaque,
                       Error **errp);
/*
 * Read a body written by a build whose vmsd had version version_id.
 * Fails (naming the section) if version_id is above vmsd->version_id or
 * below vmsd->minimum_version_id; on malformed or truncated input fails
 * naming the section, the field and the byte offset. Runs pre_load and
 * post_load (of subsections too). 0 or a negative errno.
 */
int vmstate_load_state(VMStateStream *f, const VMStateDescription *vmsd, void *opaque,
                       int version_id, Error **errp);

/* ---- Registration (the savevm handler list) ---- */

#define VMSTATE_INSTANCE_ID_ANY (-1)

typedef struct VMStateEntry {
    char *idstr;          /* "<dev path>/<vmsd name>" or the vmsd name */
    uint32_t instance_id; /* distinguishes entries with the same idstr */
    const VMStateDescription *vmsd;
    void *opaque;
    DeviceState *dev; /* may be NULL */
    MigrationPriority priority;
    uint64_t seq; /* registration order */
    struct VMStateEntry *next;
} VMStateEntry;

/*
 * Add a section: idstr is "<qdev_get_dev_path(dev)>/<vmsd->name>" when dev
 * has a bus path, else vmsd->name. instance_id VMSTATE_INSTANCE_ID_ANY
 * takes one more than the highest already used for that idstr (0 first).
 * Fails (returns -EEXIST, with an error) if idstr/instance_id is taken.
 */
int vmstate_register(DeviceState *dev, int instance_id, const VMStateDescription *vmsd,
                     void *opaque, Error **errp);
void vmstate_unregister(DeviceState *dev, const VMStateDescription *vmsd, void *opaque);

/* The list, sorted by priority (highest first), then registration order. */
const VMStateEntry *vmstate_first_entry(void);
static inline const VMStateEntry *vmstate_next_entry(const VMStateEntry *e)
{
    return e->next;
}
const VMStateEntry *vmstate_find_entry(const char *idstr, uint32_t instance_id);
int vmstate_entry_count(void);

/* ---- Field macros ---- */

/* Compile-time check that State.field has type T: 0, or a build error. */
#define vmstate_type_check(T, State, field)                                                        \
    (sizeof(char[__builtin_types_compatible_p(T, __typeof__(((State *)0)->field)) ? 1 : -1]) - 1)
#define vmstate_offset(State, field, T)                                                            \
    (offsetof(State, field) + vmstate_type_check(T, State, field))
#define vmstate_sizeof_field(State, field) sizeof(((State *)0)->field)

#define VMSTATE_SINGLE_TEST(_field, State, _version, _test, _kind, T)                              \
    {                                                                                              \
        .name = #_field, .kind = (_kind), .version_id = (_version), .field_exists = (_test),       \
        .size = sizeof(T), .num = 1, .offset = vmstate_offset(State, _field, T),                   \
    }

#define VMSTATE_ARRAY_TEST(_field, State, _num, _version, _test, _kind, T)                         \
    {                                                                                              \
        .name = #_field, .kind = (_kind), .flags = VMS_ARRAY, .version_id = (_version),            \
        .field_exists = (_test), .size = sizeof(T), .num = (_num),                                 \
        .offset = vmstate_offset(State, _field, T[_num]),                                          \
    }

#define VMSTATE_2DARRAY(_field, State, _n1, _n2, _version, _kind, T)                               \
    {                                                                                              \
        .name = #_field, .kind = (_kind), .flags = VMS_ARRAY, .version_id = (_version),            \
        .size = sizeof(T), .num = (_n1) * (_n2),                                                   \
        .offset = vmstate_offset(State, _field, T[_n1][_n2]),                                      \
    }

/* Scalars: VMSTATE_UINT32(field, State), _V(.., version), _TEST(.., test). */
#define VMSTATE_INT8_V(f, S, v)   VMSTATE_SINGLE_TEST(f, S, v, NULL, VMS_KIND_INT8, int8_t)
#define VMSTATE_INT16_V(f, S, v)  VMSTATE_SINGLE_TEST(f, S, v, NULL, VMS_KIND_INT16, int16_t)
#define VMSTATE_INT32_V(f, S, v)  VMSTATE_SINGLE_TEST(f, S, v, NULL, VMS_KIND_INT32, int32_t)
#define VMSTATE_INT64_V(f, S, v)  VMSTATE_SINGLE_TEST(f, S, v, NULL, VMS_KIND_INT64, int64_t)
#define VMSTATE_UINT8_V(f, S, v)  VMSTATE_SINGLE_TEST(f, S, v, NULL, VMS_KIND_UINT8, uint8_t)
#define VMSTATE_UINT16_V(f, S, v) VMSTATE_SINGLE_TEST(f, S, v, NULL, VMS_KIND_UINT16, uint16_t)
#define VMSTATE_UINT32_V(f, S, v) VMSTATE_SINGLE_TEST(f, S, v, NULL, VMS_KIND_UINT32, uint32_t)
#define VMSTATE_UINT64_V(f, S, v) VMSTATE_SINGLE_TEST(f, S, v, NULL, VMS_KIND_UINT64, uint64_t)
#define VMSTATE_BOOL_V(f, S, v)   VMSTATE_SINGLE_TEST(f, S, v, NULL, VMS_KIND_BOOL, bool)

#define VMSTATE_INT8(f, S)   VMSTATE_INT8_V(f, S, 0)
#define VMSTATE_INT16(f, S)  VMSTATE_INT16_V(f, S, 0)
#define VMSTATE_INT32(f, S)  VMSTATE_INT32_V(f, S, 0)
#define VMSTATE_INT64(f, S)  VMSTATE_INT64_V(f, S, 0)
#define VMSTATE_UINT8(f, S)  VMSTATE_UINT8_V(f, S, 0)
#define VMSTATE_UINT16(f, S) VMSTATE_UINT16_V(f, S, 0)
#define VMSTATE_UINT32(f, S) VMSTATE_UINT32_V(f, S, 0)
#define VMSTATE_UINT64(f, S) VMSTATE_UINT64_V(f, S, 0)
#define VMSTATE_BOOL(f, S)   VMSTATE_BOOL_V(f, S, 0)

#define VMSTATE_INT8_TEST(f, S, t)   VMSTATE_SINGLE_TEST(f, S, 0, t, VMS_KIND_INT8, int8_t)
#define VMSTATE_INT16_TEST(f, S, t)  VMSTATE_SINGLE_TEST(f, S, 0, t, VMS_KIND_INT16, int16_t)
#define VMSTATE_INT32_TEST(f, S, t)  VMSTATE_SINGLE_TEST(f, S, 0, t, VMS_KIND_INT32, int32_t)
#define VMSTATE_INT64_TEST(f, S, t)  VMSTATE_SINGLE_TEST(f, S, 0, t, VMS_KIND_INT64, int64_t)
#define VMSTATE_UINT8_TEST(f, S, t)  VMSTATE_SINGLE_TEST(f, S, 0, t, VMS_KIND_UINT8, uint8_t)
#define VMSTATE_UINT16_TEST(f, S, t) VMSTATE_SINGLE_TEST(f, S, 0, t, VMS_KIND_UINT16, uint16_t)
#define VMSTATE_UINT32_TEST(f, S, t) VMSTATE_SINGLE_TEST(f, S, 0, t, VMS_KIND_UINT32, uint32_t)
#define VMSTATE_UINT64_TEST(f, S, t) VMSTATE_SINGLE_TEST(f, S, 0, t, VMS_KIND_UINT64, uint64_t)
#define VMSTATE_BOOL_TEST(f, S, t)   VMSTATE_SINGLE_TEST(f, S, 0, t, VMS_KIND_BOOL, bool)

/* Configuration that must match on load (fails naming the field otherwise). */
#define VMSTATE_UINT8_EQUAL(f, S)                                                                  \
    {                                                                                              \
        .name = #f, .kind = VMS_KIND_UINT8, .flags = VMS_MUST_EQUAL, .size = 1, .num = 1,          \
        .offset = vmstate_offset(S, f, uint8_t),                                                   \
    }
#define VMSTATE_UINT32_EQUAL(f, S)                                                                 \
    {                                                                                              \
        .name = #f, .kind = VMS_KIND_UINT32, .flags = VMS_MUST_EQUAL, .size = 4, .num = 1,         \
        .offset = vmstate_offset(S, f, uint32_t),                                                  \
    }
#define VMSTATE_INT32_EQUAL(f, S)                                                                  \
    {                                                                                              \
        .name = #f, .kind = VMS_KIND_INT32, .flags = VMS_MUST_EQUAL, .size = 4, .num = 1,          \
        .offset = vmstate_offset(S, f, int32_t),                                                   \
    }

/* Fixed arrays: the declared length must be n (checked at build time). */
#define VMSTATE_UINT8_ARRAY_V(f, S, n, v)                                                          \
    VMSTATE_ARRAY_TEST(f, S, n, v, NULL, VMS_KIND_UINT8, uint8_t)
#define VMSTATE_UINT16_ARRAY_V(f, S, n, v)                                                         \
    VMSTATE_ARRAY_TEST(f, S, n, v, NULL, VMS_KIND_UINT16, uint16_t)
#define VMSTATE_UINT32_ARRAY_V(f, S, n, v)                                                         \
    VMSTATE_ARRAY_TEST(f, S, n, v, NULL, VMS_KIND_UINT32, uint32_t)
#define VMSTATE_UINT64_ARRAY_V(f, S, n, v)                                                         \
    VMSTATE_ARRAY_TEST(f, S, n, v, NULL, VMS_KIND_UINT64, uint64_t)
#define VMSTATE_INT8_ARRAY_V(f, S, n, v) VMSTATE_ARRAY_TEST(f, S, n, v, NULL, VMS_KIND_INT8, int8_t)
#define VMSTATE_INT16_ARRAY_V(f, S, n, v)                                                          \
    VMSTATE_ARRAY_TEST(f, S, n, v, NULL, VMS_KIND_INT16, int16_t)
#define VMSTATE_INT32_ARRAY_V(f, S, n, v)                                                          \
    VMSTATE_ARRAY_TEST(f, S, n, v, NULL, VMS_KIND_INT32, int32_t)
#define VMSTATE_INT64_ARRAY_V(f, S, n, v)                                                          \
    VMSTATE_ARRAY_TEST(f, S, n, v, NULL, VMS_KIND_INT64, int64_t)
#define VMSTATE_BOOL_ARRAY_V(f, S, n, v) VMSTATE_ARRAY_TEST(f, S, n, v, NULL, VMS_KIND_BOOL, bool)
#define VMSTATE_UINT8_ARRAY(f, S, n)     VMSTATE_UINT8_ARRAY_V(f, S, n, 0)
#define VMSTATE_UINT16_ARRAY(f, S, n)    VMSTATE_UINT16_ARRAY_V(f, S, n, 0)
#define VMSTATE_UINT32_ARRAY(f, S, n)    VMSTATE_UINT32_ARRAY_V(f, S, n, 0)
#define VMSTATE_UINT64_ARRAY(f, S, n)    VMSTATE_UINT64_ARRAY_V(f, S, n, 0)
#define VMSTATE_INT8_ARRAY(f, S, n)      VMSTATE_INT8_ARRAY_V(f, S, n, 0)
#define VMSTATE_INT16_ARRAY(f, S, n)     VMSTATE_INT16_ARRAY_V(f, S, n, 0)
#define VMSTATE_INT32_ARRAY(f, S, n)     VMSTATE_INT32_ARRAY_V(f, S, n, 0)
#define VMSTATE_INT64_ARRAY(f, S, n)     VMSTATE_INT64_ARRAY_V(f, S, n, 0)
#define VMSTATE_BOOL_ARRAY(f, S, n)      VMSTATE_BOOL_ARRAY_V(f, S, n, 0)

#define VMSTATE_UINT8_2DARRAY(f, S, n1, n2)                                                        \
    VMSTATE_2DARRAY(f, S, n1, n2, 0, VMS_KIND_UINT8, uint8_t)
#define VMSTATE_UINT16_2DARRAY(f, S, n1, n2)                                                       \
    VMSTATE_2DARRAY(f, S, n1, n2, 0, VMS_KIND_UINT16, uint16_t)
#define VMSTATE_UINT32_2DARRAY(f, S, n1, n2)                                                       \
    VMSTATE_2DARRAY(f, S, n1, n2, 0, VMS_KIND_UINT32, uint32_t)
#define VMSTATE_UINT64_2DARRAY(f, S, n1, n2)                                                       \
    VMSTATE_2DARRAY(f, S, n1, n2, 0, VMS_KIND_UINT64, uint64_t)

/* A whole uint8_t array of any length, as raw bytes. */
#define VMSTATE_BUFFER_V(f, S, v)                                                                  \
    {                                                                                              \
        .name = #f, .kind = VMS_KIND_BUFFER, .version_id = (v), .num = 1,                          \
        .size = vmstate_sizeof_field(S, f),                                                        \
        .offset = vmstate_offset(S, f, uint8_t[vmstate_sizeof_field(S, f)]),                       \
    }
#define VMSTATE_BUFFER(f, S) VMSTATE_BUFFER_V(f, S, 0)
#define VMSTATE_BUFFER_TEST(f, S, t)                                                               \
    {                                                                                              \
        .name = #f, .kind = VMS_KIND_BUFFER, .field_exists = (t), .num = 1,                        \
        .size = vmstate_sizeof_field(S, f),                                                        \
        .offset = vmstate_offset(S, f, uint8_t[vmstate_sizeof_field(S, f)]),                       \
    }

/*
 * Variable-length: the stream carries its own be32 count before the data.
 * VARRAY: a fixed array T f[N] of which the first *num_field (uint32_t)
 * elements are live; on load the count is checked against N and stored.
 */
#define VMSTATE_VARRAY_UINT32_KIND(f, S, num_field, v, _kind, T)                                   \
    {                                                                                              \
        .name = #f, .kind = (_kind), .flags = VMS_VARRAY_UINT32, .version_id = (v),                \
        .size = sizeof(T), .num = vmstate_sizeof_field(S, f) / sizeof(T),                          \
        .num_offset = vmstate_offset(S, num_field, uint32_t),                                      \
        .offset = vmstate_offset(S, f, T[vmstate_sizeof_field(S, f) / sizeof(T)]),                 \
    }
#define VMSTATE_VARRAY_UINT32(f, S, num_field, v, _kind, T)                                        \
    VMSTATE_VARRAY_UINT32_KIND(f, S, num_field, v, _kind, T)
#define VMSTATE_UINT8_VARRAY_UINT32(f, S, nf)                                                      \
    VMSTATE_VARRAY_UINT32_KIND(f, S, nf, 0, VMS_KIND_UINT8, uint8_t)
#define VMSTATE_UINT16_VARRAY_UINT32(f, S, nf)                                                     \
    VMSTATE_VARRAY_UINT32_KIND(f, S, nf, 0, VMS_KIND_UINT16, uint16_t)
#define VMSTATE_UINT32_VARRAY_UINT32(f, S, nf)                                                     \
    VMSTATE_VARRAY_UINT32_KIND(f, S, nf, 0, VMS_KIND_UINT32, uint32_t)
#define VMSTATE_UINT64_VARRAY_UINT32(f, S, nf)                                                     \
    VMSTATE_VARRAY_UINT32_KIND(f, S, nf, 0, VMS_KIND_UINT64, uint64_t)

/*
 * VBUFFER: uint8_t *f pointing to *len_field (uint32_t) bytes, owned by the
 * device. The loaded length must equal the current *len_field (the size
 * the device was configured with). The _ALLOC form instead frees and
 * allocates (malloc) the buffer to the loaded length and stores it.
 */
#define VMSTATE_VBUFFER_UINT32(f, S, v, t, len_field)                                              \
    {                                                                                              \
        .name = #f, .kind = VMS_KIND_BUFFER, .flags = VMS_POINTER | VMS_VARRAY_UINT32,             \
        .version_id = (v), .field_exists = (t), .size = 1, .num = UINT32_MAX,                      \
        .num_offset = vmstate_offset(S, len_field, uint32_t),                                      \
        .offset = vmstate_offset(S, f, uint8_t *),                                                 \
    }
#define VMSTATE_VBUFFER_ALLOC_UINT32(f, S, v, t, len_field, max)                                   \
    {                                                                                              \
        .name = #f, .kind = VMS_KIND_BUFFER, .flags = VMS_POINTER | VMS_VARRAY_UINT32 | VMS_ALLOC, \
        .version_id = (v), .field_exists = (t), .size = 1, .num = (max),                           \
        .num_offset = vmstate_offset(S, len_field, uint32_t),                                      \
        .offset = vmstate_offset(S, f, uint8_t *),                                                 \
    }

/* Nested structs: T f described by _vmsd. */
#define VMSTATE_STRUCT_TEST(f, S, v, t, _vmsd, T)                                                  \
    {                                                                                              \
        .name = #f, .kind = VMS_KIND_STRUCT, .version_id = (v), .field_exists = (t),               \
        .vmsd = &(_vmsd), .size = sizeof(T), .num = 1, .offset = vmstate_offset(S, f, T),          \
    }
#define VMSTATE_STRUCT(f, S, v, _vmsd, T) VMSTATE_STRUCT_TEST(f, S, v, NULL, _vmsd, T)
/* T f[n] described by _vmsd. */
#define VMSTATE_STRUCT_ARRAY_TEST(f, S, n, v, t, _vmsd, T)                                         \
    {                                                                                              \
        .name = #f, .kind = VMS_KIND_STRUCT, .flags = VMS_ARRAY, .version_id = (v),                \
        .field_exists = (t), .vmsd = &(_vmsd), .size = sizeof(T), .num = (n),                      \
        .offset = vmstate_offset(S, f, T[n]),                                                      \
    }
#define VMSTATE_STRUCT_ARRAY(f, S, n, v, _vmsd, T)                                                 \
    VMSTATE_STRUCT_ARRAY_TEST(f, S, n, v, NULL, _vmsd, T)
/* T *f pointing to a struct described by _vmsd (must not be NULL). */
#define VMSTATE_STRUCT_POINTER_V(f, S, v, _vmsd, T)                                                \
    {                                                                                              \
        .name = #f, .kind = VMS_KIND_STRUCT, .flags = VMS_POINTER, .version_id = (v),              \
        .vmsd = &(_vmsd), .size = sizeof(T), .num = 1, .offset = vmstate_offset(S, f, T *),        \
    }
#define VMSTATE_STRUCT_POINTER(f, S, _vmsd, T) VMSTATE_STRUCT_POINTER_V(f, S, 0, _vmsd, T)
/* T f[n] with the first *num_field live (see VARRAY). */
#define VMSTATE_STRUCT_VARRAY_UINT32(f, S, num_field, v, _vmsd, T)                                 \
    {                                                                                              \
        .name = #f, .kind = VMS_KIND_STRUCT, .flags = VMS_VARRAY_UINT32, .version_id = (v),        \
        .vmsd = &(_vmsd), .size = sizeof(T), .num = vmstate_sizeof_field(S, f) / sizeof(T),        \
        .num_offset = vmstate_offset(S, num_field, uint32_t),                                      \
        .offset = vmstate_offset(S, f, T[vmstate_sizeof_field(S, f) / sizeof(T)]),                 \
    }

/* Timers: the expiry in ns, -1 when not armed; load re-arms or disarms. */
#define VMSTATE_TIMER_PTR_V(f, S, v)                                                               \
    {                                                                                              \
        .name = #f, .kind = VMS_KIND_TIMER, .flags = VMS_POINTER, .version_id = (v),               \
        .size = sizeof(QEMUTimer), .num = 1, .offset = vmstate_offset(S, f, QEMUTimer *),          \
    }
#define VMSTATE_TIMER_PTR(f, S) VMSTATE_TIMER_PTR_V(f, S, 0)
#define VMSTATE_TIMER_PTR_TEST(f, S, t)                                                            \
    {                                                                                              \
        .name = #f, .kind = VMS_KIND_TIMER, .flags = VMS_POINTER, .field_exists = (t),             \
        .size = sizeof(QEMUTimer), .num = 1, .offset = vmstate_offset(S, f, QEMUTimer *),          \
    }
/* An embedded QEMUTimer. */
#define VMSTATE_TIMER_V(f, S, v)                                                                   \
    {                                                                                              \
        .name = #f, .kind = VMS_KIND_TIMER, .version_id = (v), .size = sizeof(QEMUTimer),          \
        .num = 1, .offset = vmstate_offset(S, f, QEMUTimer),                                       \
    }
#define VMSTATE_TIMER(f, S) VMSTATE_TIMER_V(f, S, 0)

/* n bytes that an old version had and this one no longer uses. */
#define VMSTATE_UNUSED_V(v, n)                                                                     \
    {                                                                                              \
        .name = "unused", .kind = VMS_KIND_UNUSED, .version_id = (v), .size = (n), .num = 1,       \
    }
#define VMSTATE_UNUSED(n) VMSTATE_UNUSED_V(0, n)
#define VMSTATE_UNUSED_TEST(t, n)                                                                  \
    {                                                                                              \
        .name = "unused", .kind = VMS_KIND_UNUSED, .field_exists = (t), .size = (n), .num = 1,     \
    }

#define VMSTATE_END_OF_LIST()                                                                      \
    {                                                                                              \
        .kind = VMS_KIND_END                                                                       \
    }

#endif
