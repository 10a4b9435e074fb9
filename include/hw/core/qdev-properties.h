/*
 * Device properties: named, typed fields of a device's state that the
 * board or the user (-device foo,prop=value) sets before realize.
 *
 * A Property says where the value lives (offset in the FooState), its
 * default, and its PropertyInfo: how to parse, print and store that type.
 * The DEFINE_PROP_* macros check at compile time that the field has the
 * right C type. Core types live here; subsystems add their own (chardev,
 * drive, netdev) as a `const PropertyInfo` with parse/print/release, using
 * DEFINE_PROP() with their info.
 *
 * Setting a property of a realized device is refused: realize may have
 * acted on the old value.
 */
#ifndef HW_CORE_QDEV_PROPERTIES_H
#define HW_CORE_QDEV_PROPERTIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hw/core/qdev.h"

typedef struct PropertyInfo {
    const char *name;        /* the type as shown in help: "uint32", "bool", "str" */
    const char *description; /* of the value syntax, for help; may be NULL */
    /* store the default (prop->defval_*) into the instance */
    void (*set_default)(DeviceState *dev, const Property *prop);
    /* parse str and store it; false with an error naming dev and prop */
    bool (*parse)(DeviceState *dev, const Property *prop, const char *str, Error **errp);
    /* the current value as text (malloc'd) */
    char *(*print)(DeviceState *dev, const Property *prop);
    /* free what parse/set stored (strings, backend connections); may be NULL */
    void (*release)(DeviceState *dev, const Property *prop);
} PropertyInfo;

struct Property {
    const char *name;
    const PropertyInfo *info;
    size_t offset;
    /* defaults: integers (signed stored as int64 bit pattern), bool, string */
    uint64_t defval_u;
    const char *defval_str;
    /* integer range, inclusive, checked by parse and the typed setters;
     * both 0 means the C type's full range */
    int64_t min;
    uint64_t max;
    uint8_t bitnr;                 /* bit properties */
    const char *const *enum_names; /* enum properties: NULL-terminated */
    const char *desc;
};

extern const PropertyInfo qdev_prop_uint8;
extern const PropertyInfo qdev_prop_uint16;
extern const PropertyInfo qdev_prop_uint32;
extern const PropertyInfo qdev_prop_int32;
extern const PropertyInfo qdev_prop_uint64;
extern const PropertyInfo qdev_prop_int64;
extern const PropertyInfo qdev_prop_size;      /* uint64 accepting k/M/G/T suffixes */
extern const PropertyInfo qdev_prop_bool;      /* on/off, true/false, yes/no, 1/0 */
extern const PropertyInfo qdev_prop_bit;       /* one bit of a uint32 */
extern const PropertyInfo qdev_prop_bit64;     /* one bit of a uint64 */
extern const PropertyInfo qdev_prop_string;    /* char *, strdup'd, freed on delete */
extern const PropertyInfo qdev_prop_ptr;       /* void *, board code only */
extern const PropertyInfo qdev_prop_enum;      /* int, one of enum_names */
extern const PropertyInfo qdev_prop_macaddr;   /* uint8_t[6], "52:54:00:12:34:56" */
extern const PropertyInfo qdev_prop_pci_devfn; /* int32 devfn, "slot[.fn]" in hex, -1 = auto */

/* Compile-time check that State.field has type T (0 when it does). */
#define qdev_prop_type_check(T, State, field)                                                      \
    (sizeof(char[__builtin_types_compatible_p(T, __typeof__(((State *)0)->field)) ? 1 : -1]) - 1)

#define DEFINE_PROP(_name, State, field, _info, T, ...)                                            \
    {                                                                                              \
        .name = (_name), .info = &(_info),                                                         \
        .offset = offsetof(State, field) + qdev_prop_type_check(T, State, field), __VA_ARGS__      \
    }

#define DEFINE_PROP_UINT8(n, S, f, d)                                                              \
    DEFINE_PROP(n, S, f, qdev_prop_uint8, uint8_t, .defval_u = (d))
#define DEFINE_PROP_UINT16(n, S, f, d)                                                             \
    DEFINE_PROP(n, S, f, qdev_prop_uint16, uint16_t, .defval_u = (d))
#define DEFINE_PROP_UINT32(n, S, f, d)                                                             \
    DEFINE_PROP(n, S, f, qdev_prop_uint32, uint32_t, .defval_u = (d))
#define DEFINE_PROP_INT32(n, S, f, d)                                                              \
    DEFINE_PROP(n, S, f, qdev_prop_int32, int32_t, .defval_u = (uint64_t)(int64_t)(d))
#define DEFINE_PROP_UINT64(n, S, f, d)                                                             \
    DEFINE_PROP(n, S, f, qdev_prop_uint64, uint64_t, .defval_u = (d))
#define DEFINE_PROP_INT64(n, S, f, d)                                                              \
    DEFINE_PROP(n, S, f, qdev_prop_int64, int64_t, .defval_u = (uint64_t)(int64_t)(d))
#define DEFINE_PROP_SIZE(n, S, f, d) DEFINE_PROP(n, S, f, qdev_prop_size, uint64_t, .defval_u = (d))
#define DEFINE_PROP_BOOL(n, S, f, d) DEFINE_PROP(n, S, f, qdev_prop_bool, bool, .defval_u = (d))
#define DEFINE_PROP_BIT(n, S, f, bit, d)                                                           \
    DEFINE_PROP(n, S, f, qdev_prop_bit, uint32_t, .bitnr = (bit), .defval_u = (d))
#define DEFINE_PROP_BIT64(n, S, f, bit, d)                                                         \
    DEFINE_PROP(n, S, f, qdev_prop_bit64, uint64_t, .bitnr = (bit), .defval_u = (d))
/* default NULL or a string literal */
#define DEFINE_PROP_STRING(n, S, f) DEFINE_PROP(n, S, f, qdev_prop_string, char *)
#define DEFINE_PROP_STRING_DEFAULT(n, S, f, d)                                                     \
    DEFINE_PROP(n, S, f, qdev_prop_string, char *, .defval_str = (d))
#define DEFINE_PROP_PTR(n, S, f) DEFINE_PROP(n, S, f, qdev_prop_ptr, void *)
#define DEFINE_PROP_ENUM(n, S, f, names, d)                                                        \
    DEFINE_PROP(n, S, f, qdev_prop_enum, int, .enum_names = (names), .defval_u = (d))
#define DEFINE_PROP_MACADDR(n, S, f) DEFINE_PROP(n, S, f, qdev_prop_macaddr, uint8_t[6])
#define DEFINE_PROP_PCI_DEVFN(n, S, f, d)                                                          \
    DEFINE_PROP(n, S, f, qdev_prop_pci_devfn, int32_t, .defval_u = (uint64_t)(int64_t)(d))
/* Integer properties limited to [lo, hi]. */
#define DEFINE_PROP_UINT32_RANGE(n, S, f, d, lo, hi)                                               \
    DEFINE_PROP(n, S, f, qdev_prop_uint32, uint32_t, .defval_u = (d), .min = (lo), .max = (hi))
#define DEFINE_PROP_UINT8_RANGE(n, S, f, d, lo, hi)                                                \
    DEFINE_PROP(n, S, f, qdev_prop_uint8, uint8_t, .defval_u = (d), .min = (lo), .max = (hi))
#define DEFINE_PROP_END_OF_LIST()                                                                  \
    {                                                                                              \
        .name = NULL                                                                               \
    }

/*
 * Chardev properties: a CharBackend field connected to the chardev whose id
 * is given ("-device isa-serial,chardev=ser0"); the backend is detached when
 * the device is deleted. Defined in hw/core/qdev-properties-system.c (link
 * the chardev library when you use it).
 */
typedef struct CharBackend CharBackend;
typedef struct Chardev Chardev;
extern const PropertyInfo qdev_prop_chr;
#define DEFINE_PROP_CHR(n, S, f) DEFINE_PROP(n, S, f, qdev_prop_chr, CharBackend)
/* Board code: connect to chr (NULL: no backend); aborts on failure. */
void qdev_prop_set_chr(DeviceState *dev, const char *name, Chardev *chr);

/*
 * Setters for board code. Setting an unknown property, one of another
 * type, an out-of-range value, or any property of a realized device is a
 * programming error: it is reported and aborts (use qdev_prop_parse for
 * user input).
 */
void qdev_prop_set_uint8(DeviceState *dev, const char *name, uint8_t value);
void qdev_prop_set_uint16(DeviceState *dev, const char *name, uint16_t value);
void qdev_prop_set_uint32(DeviceState *dev, const char *name, uint32_t value);
void qdev_prop_set_int32(DeviceState *dev, const char *name, int32_t value);
void qdev_prop_set_uint64(DeviceState *dev, const char *name, uint64_t value);
void qdev_prop_set_int64(DeviceState *dev, const char *name, int64_t value);
void qdev_prop_set_bit(DeviceState *dev, const char *name, bool value); /* bool, bit, bit64 */
static inline void qdev_prop_set_bool(DeviceState *dev, const char *name, bool value)
{
    qdev_prop_set_bit(dev, name, value);
}
void qdev_prop_set_string(DeviceState *dev, const char *name, const char *value);
void qdev_prop_set_ptr(DeviceState *dev, const char *name, void *value);
void qdev_prop_set_enum(DeviceState *dev, const char *name, int value);
void qdev_prop_set_macaddr(DeviceState *dev, const char *name, const uint8_t value[6]);

/* Parse a user-supplied value (-device foo,name=value): false with an error
 * naming the device and property on an unknown property, a malformed or
 * out-of-range value, or a realized device. */
bool qdev_prop_parse(DeviceState *dev, const char *name, const char *value, Error **errp);
/* The current value as text (malloc'd); NULL if there is no such property. */
char *qdev_prop_print(DeviceState *dev, const char *name);

/* Lookup through the type and its parents; NULL if none. */
const Property *qdev_type_find_prop(const DeviceTypeInfo *type, const char *name);
const Property *qdev_find_prop(DeviceState *dev, const char *name);
/* Every property of the type, base type's first. */
void qdev_type_foreach_prop(const DeviceTypeInfo *type,
                            void (*fn)(const Property *prop, void *opaque), void *opaque);

/* For PropertyInfo implementations: the field's address in dev. */
static inline void *qdev_prop_ptr_of(DeviceState *dev, const Property *prop)
{
    return (char *)dev + prop->offset;
}
/* For PropertyInfo.parse implementations: "device 'foo' (id 'x'), property
 * 'bar': <message>". */
void qdev_prop_error(Error **errp, DeviceState *dev, const Property *prop, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
