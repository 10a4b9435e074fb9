/*
 * Device properties (see hw/core/qdev-properties.h): the core property
 * types, lookup through a type's parents, the board setters and the
 * strict parser behind -device foo,prop=value.
 *
 * Board setters treat a mistake (unknown name, wrong type, out of range,
 * realized device) as a programming error and abort; the parser turns the
 * same mistakes into an Error that names the device and the property, since
 * they come from the user.
 */
#include "hw/core/qdev-properties.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "qdev-internal.h"

void qdev_prop_error(Error **errp, DeviceState *dev, const Property *prop, const char *fmt, ...)
{
    char *msg = NULL, *what = qdev_describe(dev);
    va_list ap;

    va_start(ap, fmt);
    if (vasprintf(&msg, fmt, ap) < 0) {
        msg = NULL;
    }
    va_end(ap);
    error_setg(errp, "device %s, property '%s': %s", what, prop->name, msg ? msg : "(no memory)");
    free(msg);
    free(what);
}

static char *xstrdup(const char *s)
{
    char *d = strdup(s);

    if (!d) {
        abort();
    }
    return d;
}

static char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xasprintf(const char *fmt, ...)
{
    char *s;
    va_list ap;
    int r;

    va_start(ap, fmt);
    r = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (r < 0) {
        abort();
    }
    return s;
}

/* ---- Integers ---- */

/* Width and signedness of an integer property type. */
typedef struct IntKind {
    int bits;
    bool is_signed;
} IntKind;

static IntKind prop_int_kind(const PropertyInfo *info)
{
    if (info == &qdev_prop_uint8) {
        return (IntKind){ 8, false };
    } else if (info == &qdev_prop_uint16) {
        return (IntKind){ 16, false };
    } else if (info == &qdev_prop_uint32) {
        return (IntKind){ 32, false };
    } else if (info == &qdev_prop_int32) {
        return (IntKind){ 32, true };
    } else if (info == &qdev_prop_int64) {
        return (IntKind){ 64, true };
    }
    return (IntKind){ 64, false }; /* uint64, size */
}

/* The allowed range, from the property or else from the C type. */
static void prop_int_range(const Property *prop, int64_t *smin, int64_t *smax, uint64_t *umax)
{
    IntKind k = prop_int_kind(prop->info);
    bool custom = prop->min != 0 || prop->max != 0;

    if (k.is_signed) {
        *smin = k.bits == 64 ? INT64_MIN : -(INT64_C(1) << (k.bits - 1));
        *smax = k.bits == 64 ? INT64_MAX : (INT64_C(1) << (k.bits - 1)) - 1;
        if (custom) {
            *smin = prop->min;
            *smax = (int64_t)prop->max;
        }
        *umax = 0;
    } else {
        *umax = k.bits == 64 ? UINT64_MAX : (UINT64_C(1) << k.bits) - 1;
        if (custom && prop->max < *umax) {
            *umax = prop->max;
        }
        *smin = custom ? prop->min : 0;
        *smax = 0;
    }
}

static void prop_int_store(DeviceState *dev, const Property *prop, uint64_t v)
{
    void *p = qdev_prop_ptr_of(dev, prop);

    switch (prop_int_kind(prop->info).bits) {
    case 8:
        *(uint8_t *)p = v;
        break;
    case 16:
        *(uint16_t *)p = v;
        break;
    case 32:
        *(uint32_t *)p = v;
        break;
    default:
        *(uint64_t *)p = v;
        break;
    }
}

static uint64_t prop_int_load(DeviceState *dev, const Property *prop)
{
    void *p = qdev_prop_ptr_of(dev, prop);
    IntKind k = prop_int_kind(prop->info);

    switch (k.bits) {
    case 8:
        return *(uint8_t *)p;
    case 16:
        return *(uint16_t *)p;
    case 32:
        return k.is_signed ? (uint64_t)(int64_t) * (int32_t *)p : *(uint32_t *)p;
    default:
        return *(uint64_t *)p;
    }
}

/* Range-check v (a signed value if the type is signed); an error message
 * in *why if it does not fit. */
static bool prop_int_check(const Property *prop, uint64_t v, char **why)
{
    IntKind k = prop_int_kind(prop->info);
    int64_t smin, smax;
    uint64_t umax;

    prop_int_range(prop, &smin, &smax, &umax);
    if (k.is_signed) {
        if ((int64_t)v < smin || (int64_t)v > smax) {
            *why = xasprintf("%" PRId64 " is out of range (%" PRId64 "..%" PRId64 ")", (int64_t)v,
                             smin, smax);
            return false;
        }
    } else if (v > umax || v < (uint64_t)smin) {
        *why = xasprintf("%" PRIu64 " is out of range (%" PRIu64 "..%" PRIu64 ")", v,
                         (uint64_t)smin, umax);
        return false;
    }
    return true;
}

static void prop_int_set_default(DeviceState *dev, const Property *prop)
{
    prop_int_store(dev, prop, prop->defval_u);
}

/* Parse a number in C syntax (0x hex, 0 octal), whole string, into *v. */
static bool parse_number(const char *str, bool is_signed, uint64_t *v, char **why)
{
    char *end;

    errno = 0;
    if (is_signed) {
        *v = (uint64_t)strtoll(str, &end, 0);
    } else {
        const char *s = str;

        while (*s == ' ' || *s == '\t') {
            s++;
        }
        if (*s == '-') {
            *why = xasprintf("'%s' is negative, the value must be at least 0", str);
            return false;
        }
        *v = strtoull(str, &end, 0);
    }
    if (end == str || *end) {
        *why = xasprintf("'%s' is not a number", str);
        return false;
    }
    if (errno == ERANGE) {
        *why = xasprintf("'%s' is too large", str);
        return false;
    }
    return true;
}

static bool prop_int_parse(DeviceState *dev, const Property *prop, const char *str, Error **errp)
{
    uint64_t v;
    char *why = NULL;

    if (!parse_number(str, prop_int_kind(prop->info).is_signed, &v, &why) ||
        !prop_int_check(prop, v, &why)) {
        qdev_prop_error(errp, dev, prop, "%s", why);
        free(why);
        return false;
    }
    prop_int_store(dev, prop, v);
    return true;
}

static char *prop_int_print(DeviceState *dev, const Property *prop)
{
    uint64_t v = prop_int_load(dev, prop);

    if (prop_int_kind(prop->info).is_signed) {
        return xasprintf("%" PRId64, (int64_t)v);
    }
    /* Addresses and masks read better in hex. */
    return v < 10 ? xasprintf("%" PRIu64, v) : xasprintf("%" PRIu64 " (0x%" PRIx64 ")", v, v);
}

#define INT_PROP_INFO(_var, _name)                                                                 \
    const PropertyInfo _var = {                                                                    \
        .name = _name,                                                                             \
        .set_default = prop_int_set_default,                                                       \
        .parse = prop_int_parse,                                                                   \
        .print = prop_int_print,                                                                   \
    }

INT_PROP_INFO(qdev_prop_uint8, "uint8");
INT_PROP_INFO(qdev_prop_uint16, "uint16");
INT_PROP_INFO(qdev_prop_uint32, "uint32");
INT_PROP_INFO(qdev_prop_int32, "int32");
INT_PROP_INFO(qdev_prop_uint64, "uint64");
INT_PROP_INFO(qdev_prop_int64, "int64");

/* ---- Sizes ---- */

static bool prop_size_parse(DeviceState *dev, const Property *prop, const char *str, Error **errp)
{
    uint64_t v, mult = 1;
    char *end, *why = NULL;

    if (*str == '-') {
        qdev_prop_error(errp, dev, prop, "'%s' is negative", str);
        return false;
    }
    errno = 0;
    v = strtoull(str, &end, 0);
    if (end == str || errno == ERANGE) {
        qdev_prop_error(errp, dev, prop, "'%s' is not a size (a number with k/M/G/T suffix)", str);
        return false;
    }
    switch (*end) {
    case 'k':
    case 'K':
        mult = UINT64_C(1) << 10;
        break;
    case 'm':
    case 'M':
        mult = UINT64_C(1) << 20;
        break;
    case 'g':
    case 'G':
        mult = UINT64_C(1) << 30;
        break;
    case 't':
    case 'T':
        mult = UINT64_C(1) << 40;
        break;
    case 'b':
    case 'B':
    case '\0':
        break;
    default:
        qdev_prop_error(errp, dev, prop, "'%s' has an unknown size suffix", str);
        return false;
    }
    if (*end && end[1] && !((end[1] == 'b' || end[1] == 'B') && !end[2] && mult > 1)) {
        qdev_prop_error(errp, dev, prop, "'%s' has trailing characters", str);
        return false;
    }
    if (v > UINT64_MAX / mult) {
        qdev_prop_error(errp, dev, prop, "'%s' is too large", str);
        return false;
    }
    v *= mult;
    if (!prop_int_check(prop, v, &why)) {
        qdev_prop_error(errp, dev, prop, "%s", why);
        free(why);
        return false;
    }
    prop_int_store(dev, prop, v);
    return true;
}

const PropertyInfo qdev_prop_size = {
    .name = "size",
    .description = "a byte count, with optional k/M/G/T suffix",
    .set_default = prop_int_set_default,
    .parse = prop_size_parse,
    .print = prop_int_print,
};

/* ---- Booleans and bits ---- */

static bool parse_bool(const char *str, bool *v)
{
    static const char *const yes[] = { "on", "true", "yes", "1" };
    static const char *const no[] = { "off", "false", "no", "0" };

    for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
        if (strcmp(str, yes[i]) == 0) {
            *v = true;
            return true;
        }
        if (strcmp(str, no[i]) == 0) {
            *v = false;
            return true;
        }
    }
    return false;
}

static void prop_bool_set_default(DeviceState *dev, const Property *prop)
{
    *(bool *)qdev_prop_ptr_of(dev, prop) = prop->defval_u != 0;
}

static bool prop_bool_parse(DeviceState *dev, const Property *prop, const char *str, Error **errp)
{
    bool v;

    if (!parse_bool(str, &v)) {
        qdev_prop_error(errp, dev, prop, "'%s' is not on/off", str);
        return false;
    }
    *(bool *)qdev_prop_ptr_of(dev, prop) = v;
    return true;
}

static char *prop_bool_print(DeviceState *dev, const Property *prop)
{
    return xstrdup(*(bool *)qdev_prop_ptr_of(dev, prop) ? "on" : "off");
}

const PropertyInfo qdev_prop_bool = {
    .name = "bool",
    .description = "on/off",
    .set_default = prop_bool_set_default,
    .parse = prop_bool_parse,
    .print = prop_bool_print,
};

static void prop_bit_store(DeviceState *dev, const Property *prop, bool v)
{
    void *p = qdev_prop_ptr_of(dev, prop);

    if (prop->info == &qdev_prop_bit64) {
        uint64_t m = UINT64_C(1) << (prop->bitnr & 63);

        *(uint64_t *)p = v ? *(uint64_t *)p | m : *(uint64_t *)p & ~m;
    } else {
        uint32_t m = UINT32_C(1) << (prop->bitnr & 31);

        *(uint32_t *)p = v ? *(uint32_t *)p | m : *(uint32_t *)p & ~m;
    }
}

static bool prop_bit_load(DeviceState *dev, const Property *prop)
{
    void *p = qdev_prop_ptr_of(dev, prop);

    if (prop->info == &qdev_prop_bit64) {
        return (*(uint64_t *)p >> (prop->bitnr & 63)) & 1;
    }
    return (*(uint32_t *)p >> (prop->bitnr & 31)) & 1;
}

static void prop_bit_set_default(DeviceState *dev, const Property *prop)
{
    prop_bit_store(dev, prop, prop->defval_u != 0);
}

static bool prop_bit_parse(DeviceState *dev, const Property *prop, const char *str, Error **errp)
{
    bool v;

    if (!parse_bool(str, &v)) {
        qdev_prop_error(errp, dev, prop, "'%s' is not on/off", str);
        return false;
    }
    prop_bit_store(dev, prop, v);
    return true;
}

static char *prop_bit_print(DeviceState *dev, const Property *prop)
{
    return xstrdup(prop_bit_load(dev, prop) ? "on" : "off");
}

const PropertyInfo qdev_prop_bit = {
    .name = "bool",
    .description = "on/off",
    .set_default = prop_bit_set_default,
    .parse = prop_bit_parse,
    .print = prop_bit_print,
};

const PropertyInfo qdev_prop_bit64 = {
    .name = "bool",
    .description = "on/off",
    .set_default = prop_bit_set_default,
    .parse = prop_bit_parse,
    .print = prop_bit_print,
};

/* ---- Strings and pointers ---- */

static void prop_string_set_default(DeviceState *dev, const Property *prop)
{
    char **p = qdev_prop_ptr_of(dev, prop);

    *p = prop->defval_str ? xstrdup(prop->defval_str) : NULL;
}

static bool prop_string_parse(DeviceState *dev, const Property *prop, const char *str, Error **errp)
{
    char **p = qdev_prop_ptr_of(dev, prop);

    free(*p);
    *p = xstrdup(str);
    return true;
}

static char *prop_string_print(DeviceState *dev, const Property *prop)
{
    char **p = qdev_prop_ptr_of(dev, prop);

    return *p ? xasprintf("\"%s\"", *p) : xstrdup("<null>");
}

static void prop_string_release(DeviceState *dev, const Property *prop)
{
    char **p = qdev_prop_ptr_of(dev, prop);

    free(*p);
    *p = NULL;
}

const PropertyInfo qdev_prop_string = {
    .name = "str",
    .set_default = prop_string_set_default,
    .parse = prop_string_parse,
    .print = prop_string_print,
    .release = prop_string_release,
};

static void prop_ptr_set_default(DeviceState *dev, const Property *prop)
{
    *(void **)qdev_prop_ptr_of(dev, prop) = NULL;
}

static bool prop_ptr_parse(DeviceState *dev, const Property *prop, const char *str, Error **errp)
{
    qdev_prop_error(errp, dev, prop, "is set by the board and cannot be given a value");
    return false;
}

static char *prop_ptr_print(DeviceState *dev, const Property *prop)
{
    return xstrdup(*(void **)qdev_prop_ptr_of(dev, prop) ? "<set>" : "<null>");
}

const PropertyInfo qdev_prop_ptr = {
    .name = "ptr",
    .set_default = prop_ptr_set_default,
    .parse = prop_ptr_parse,
    .print = prop_ptr_print,
};

/* ---- Enums ---- */

static void prop_enum_set_default(DeviceState *dev, const Property *prop)
{
    *(int *)qdev_prop_ptr_of(dev, prop) = (int)prop->defval_u;
}

static bool prop_enum_parse(DeviceState *dev, const Property *prop, const char *str, Error **errp)
{
    char *choices = NULL;
    size_t len = 0;
    FILE *f;

    for (int i = 0; prop->enum_names && prop->enum_names[i]; i++) {
        if (strcmp(prop->enum_names[i], str) == 0) {
            *(int *)qdev_prop_ptr_of(dev, prop) = i;
            return true;
        }
    }
    f = open_memstream(&choices, &len);
    if (!f) {
        abort();
    }
    for (int i = 0; prop->enum_names && prop->enum_names[i]; i++) {
        fprintf(f, "%s%s", i ? ", " : "", prop->enum_names[i]);
    }
    fclose(f);
    qdev_prop_error(errp, dev, prop, "'%s' is not one of: %s", str, choices);
    free(choices);
    return false;
}

static char *prop_enum_print(DeviceState *dev, const Property *prop)
{
    int v = *(int *)qdev_prop_ptr_of(dev, prop);

    for (int i = 0; prop->enum_names && prop->enum_names[i]; i++) {
        if (i == v) {
            return xstrdup(prop->enum_names[i]);
        }
    }
    return xasprintf("<invalid %d>", v);
}

const PropertyInfo qdev_prop_enum = {
    .name = "enum",
    .set_default = prop_enum_set_default,
    .parse = prop_enum_parse,
    .print = prop_enum_print,
};

/* ---- MAC addresses ---- */

static void prop_mac_set_default(DeviceState *dev, const Property *prop)
{
    memset(qdev_prop_ptr_of(dev, prop), 0, 6);
}

static bool prop_mac_parse(DeviceState *dev, const Property *prop, const char *str, Error **errp)
{
    uint8_t mac[6];
    const char *s = str;

    for (int i = 0; i < 6; i++) {
        int hi, lo;

        if (i > 0) {
            if (*s != ':' && *s != '-') {
                goto bad;
            }
            s++;
        }
        hi = s[0] >= '0' && s[0] <= '9'                     ? s[0] - '0'
             : (s[0] | 0x20) >= 'a' && (s[0] | 0x20) <= 'f' ? (s[0] | 0x20) - 'a' + 10
                                                            : -1;
        if (hi < 0) {
            goto bad;
        }
        lo = s[1] >= '0' && s[1] <= '9'                     ? s[1] - '0'
             : (s[1] | 0x20) >= 'a' && (s[1] | 0x20) <= 'f' ? (s[1] | 0x20) - 'a' + 10
                                                            : -1;
        if (lo < 0) {
            goto bad;
        }
        mac[i] = hi << 4 | lo;
        s += 2;
    }
    if (*s) {
        goto bad;
    }
    memcpy(qdev_prop_ptr_of(dev, prop), mac, 6);
    return true;

bad:
    qdev_prop_error(errp, dev, prop, "'%s' is not a MAC address (xx:xx:xx:xx:xx:xx)", str);
    return false;
}

static char *prop_mac_print(DeviceState *dev, const Property *prop)
{
    const uint8_t *m = qdev_prop_ptr_of(dev, prop);

    return xasprintf("%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

const PropertyInfo qdev_prop_macaddr = {
    .name = "macaddr",
    .description = "xx:xx:xx:xx:xx:xx",
    .set_default = prop_mac_set_default,
    .parse = prop_mac_parse,
    .print = prop_mac_print,
};

/* ---- PCI device/function ---- */

static void prop_devfn_set_default(DeviceState *dev, const Property *prop)
{
    *(int32_t *)qdev_prop_ptr_of(dev, prop) = (int32_t)(int64_t)prop->defval_u;
}

static bool prop_devfn_parse(DeviceState *dev, const Property *prop, const char *str, Error **errp)
{
    unsigned long slot, fn = 0;
    char *end;

    if (strcmp(str, "-1") == 0 || strcmp(str, "auto") == 0) {
        *(int32_t *)qdev_prop_ptr_of(dev, prop) = -1;
        return true;
    }
    errno = 0;
    slot = strtoul(str, &end, 16);
    if (end == str || errno || *str == '-') {
        goto bad;
    }
    if (*end == '.') {
        const char *f = end + 1;

        fn = strtoul(f, &end, 16);
        if (end == f || *f == '-') {
            goto bad;
        }
    }
    if (*end) {
        goto bad;
    }
    if (slot > 31 || fn > 7) {
        qdev_prop_error(errp, dev, prop, "'%s' is out of range (slot 0..1f, function 0..7)", str);
        return false;
    }
    *(int32_t *)qdev_prop_ptr_of(dev, prop) = (int32_t)(slot << 3 | fn);
    return true;

bad:
    qdev_prop_error(errp, dev, prop, "'%s' is not a PCI address (slot[.function], hex)", str);
    return false;
}

static char *prop_devfn_print(DeviceState *dev, const Property *prop)
{
    int32_t v = *(int32_t *)qdev_prop_ptr_of(dev, prop);

    return v < 0 ? xstrdup("<auto>") : xasprintf("%02x.%x", v >> 3, v & 7);
}

const PropertyInfo qdev_prop_pci_devfn = {
    .name = "pci-devfn",
    .description = "slot[.function] in hex",
    .set_default = prop_devfn_set_default,
    .parse = prop_devfn_parse,
    .print = prop_devfn_print,
};

/* ---- Lookup ---- */

const Property *qdev_type_find_prop(const DeviceTypeInfo *type, const char *name)
{
    const DeviceTypeInfo *levels[QDEV_MAX_TYPE_DEPTH];
    int n = qdev_type_chain(type, levels);

    /* A derived type may redefine a base property: the derived one wins. */
    for (int i = n - 1; i >= 0; i--) {
        for (const Property *p = levels[i]->props; p && p->name; p++) {
            if (strcmp(p->name, name) == 0) {
                return p;
            }
        }
    }
    return NULL;
}

const Property *qdev_find_prop(DeviceState *dev, const char *name)
{
    return qdev_type_find_prop(dev->type, name);
}

void qdev_type_foreach_prop(const DeviceTypeInfo *type,
                            void (*fn)(const Property *prop, void *opaque), void *opaque)
{
    const DeviceTypeInfo *levels[QDEV_MAX_TYPE_DEPTH];
    int n = qdev_type_chain(type, levels);

    for (int i = 0; i < n; i++) {
        for (const Property *p = levels[i]->props; p && p->name; p++) {
            /* skip a base property a derived level redefines */
            if (qdev_type_find_prop(type, p->name) == p) {
                fn(p, opaque);
            }
        }
    }
}

static void set_default_one(const Property *prop, void *opaque)
{
    if (prop->info->set_default) {
        prop->info->set_default(opaque, prop);
    }
}

void qdev_props_set_defaults(DeviceState *dev)
{
    qdev_type_foreach_prop(dev->type, set_default_one, dev);
}

static void release_one(const Property *prop, void *opaque)
{
    if (prop->info->release) {
        prop->info->release(opaque, prop);
    }
}

void qdev_props_release(DeviceState *dev)
{
    qdev_type_foreach_prop(dev->type, release_one, dev);
}

typedef struct PrintCtx {
    FILE *out;
    DeviceState *dev;
    int indent;
} PrintCtx;

static void print_one(const Property *prop, void *opaque)
{
    PrintCtx *c = opaque;
    char *v = prop->info->print(c->dev, prop);

    fprintf(c->out, "%*s%s = %s\n", c->indent, "", prop->name, v);
    free(v);
}

void qdev_props_print(FILE *out, DeviceState *dev, int indent)
{
    PrintCtx c = { out, dev, indent };

    qdev_type_foreach_prop(dev->type, print_one, &c);
}

/* ---- Setting ---- */

bool qdev_prop_parse(DeviceState *dev, const char *name, const char *value, Error **errp)
{
    const Property *prop = qdev_find_prop(dev, name);
    char *what;

    if (!prop) {
        what = qdev_describe(dev);
        error_setg(errp, "device %s has no property '%s' (-device %s,help lists them)", what, name,
                   dev->type->name);
        free(what);
        return false;
    }
    if (dev->realized) {
        qdev_prop_error(errp, dev, prop, "cannot be changed on a realized device");
        return false;
    }
    if (!value) {
        qdev_prop_error(errp, dev, prop, "needs a value");
        return false;
    }
    return prop->info->parse(dev, prop, value, errp);
}

char *qdev_prop_print(DeviceState *dev, const char *name)
{
    const Property *prop = qdev_find_prop(dev, name);

    return prop ? prop->info->print(dev, prop) : NULL;
}

/* The property a board setter addresses; aborts on a programming error. */
static const Property *setter_prop(DeviceState *dev, const char *name, const PropertyInfo *a,
                                   const PropertyInfo *b, const PropertyInfo *c)
{
    const Property *prop = qdev_find_prop(dev, name);

    if (!prop) {
        error_report("device '%s' has no property '%s'", dev->type->name, name);
        abort();
    }
    if (prop->info != a && prop->info != b && prop->info != c) {
        error_report("device '%s': property '%s' is a %s, set with the wrong setter",
                     dev->type->name, name, prop->info->name);
        abort();
    }
    if (dev->realized) {
        error_report("device '%s': property '%s' set after realize", dev->type->name, name);
        abort();
    }
    return prop;
}

static void set_int(DeviceState *dev, const char *name, const PropertyInfo *a,
                    const PropertyInfo *b, uint64_t v)
{
    const Property *prop = setter_prop(dev, name, a, b, NULL);
    char *why = NULL;

    if (!prop_int_check(prop, v, &why)) {
        error_report("device '%s', property '%s': %s", dev->type->name, name, why);
        abort();
    }
    prop_int_store(dev, prop, v);
}

void qdev_prop_set_uint8(DeviceState *dev, const char *name, uint8_t value)
{
    set_int(dev, name, &qdev_prop_uint8, NULL, value);
}

void qdev_prop_set_uint16(DeviceState *dev, const char *name, uint16_t value)
{
    set_int(dev, name, &qdev_prop_uint16, NULL, value);
}

void qdev_prop_set_uint32(DeviceState *dev, const char *name, uint32_t value)
{
    set_int(dev, name, &qdev_prop_uint32, NULL, value);
}

void qdev_prop_set_int32(DeviceState *dev, const char *name, int32_t value)
{
    const Property *prop = qdev_find_prop(dev, name);

    if (prop && prop->info == &qdev_prop_pci_devfn) {
        setter_prop(dev, name, &qdev_prop_pci_devfn, NULL, NULL);
        if (value < -1 || value > 255) {
            error_report("device '%s', property '%s': devfn %d out of range", dev->type->name, name,
                         value);
            abort();
        }
        *(int32_t *)qdev_prop_ptr_of(dev, prop) = value;
        return;
    }
    set_int(dev, name, &qdev_prop_int32, NULL, (uint64_t)(int64_t)value);
}

void qdev_prop_set_uint64(DeviceState *dev, const char *name, uint64_t value)
{
    set_int(dev, name, &qdev_prop_uint64, &qdev_prop_size, value);
}

void qdev_prop_set_int64(DeviceState *dev, const char *name, int64_t value)
{
    set_int(dev, name, &qdev_prop_int64, NULL, (uint64_t)value);
}

void qdev_prop_set_bit(DeviceState *dev, const char *name, bool value)
{
    const Property *prop =
        setter_prop(dev, name, &qdev_prop_bool, &qdev_prop_bit, &qdev_prop_bit64);

    if (prop->info == &qdev_prop_bool) {
        *(bool *)qdev_prop_ptr_of(dev, prop) = value;
    } else {
        prop_bit_store(dev, prop, value);
    }
}

void qdev_prop_set_string(DeviceState *dev, const char *name, const char *value)
{
    const Property *prop = setter_prop(dev, name, &qdev_prop_string, NULL, NULL);
    char **p = qdev_prop_ptr_of(dev, prop);

    free(*p);
    *p = value ? xstrdup(value) : NULL;
}

void qdev_prop_set_ptr(DeviceState *dev, const char *name, void *value)
{
    const Property *prop = setter_prop(dev, name, &qdev_prop_ptr, NULL, NULL);

    *(void **)qdev_prop_ptr_of(dev, prop) = value;
}

void qdev_prop_set_enum(DeviceState *dev, const char *name, int value)
{
    const Property *prop = setter_prop(dev, name, &qdev_prop_enum, NULL, NULL);
    int n = 0;

    while (prop->enum_names && prop->enum_names[n]) {
        n++;
    }
    if (value < 0 || value >= n) {
        error_report("device '%s', property '%s': enum value %d out of range", dev->type->name,
                     name, value);
        abort();
    }
    *(int *)qdev_prop_ptr_of(dev, prop) = value;
}

void qdev_prop_set_macaddr(DeviceState *dev, const char *name, const uint8_t value[6])
{
    const Property *prop = setter_prop(dev, name, &qdev_prop_macaddr, NULL, NULL);

    memcpy(qdev_prop_ptr_of(dev, prop), value, 6);
}
