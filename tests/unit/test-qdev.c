/*
 * Unit tests of the device model core: type registration and inheritance,
 * properties (defaults, setters, strict parsing and its errors), realize
 * and its failures, buses, reset order, gpio wiring and interception,
 * -device parsing and the listings.
 */
#include <stdlib.h>
#include <string.h>

#include "chardev/char-fe.h"
#include "hw/core/irq.h"
#include "hw/core/qdev-properties.h"
#include "hw/core/qdev.h"
#include "hw/core/sysbus.h"
#include "migration/vmstate.h"
#include "tap.h"

#define TYPE_TEST_BASE  "test-base"
#define TYPE_TEST_DEV   "test-dev"
#define TYPE_TEST_ISA   "test-isa"
#define TYPE_TEST_SINK  "test-sink"
#define TYPE_TEST_FAIL  "test-fail"
#define TYPE_TEST_LOOSE "test-loose"

/* A log of hook calls, to check their order. */
static char hook_log[1024];

static void log_hook(const char *what, DeviceState *dev)
{
    size_t len = strlen(hook_log);

    snprintf(hook_log + len, sizeof(hook_log) - len, "%s%s:%s", len ? " " : "", what,
             dev->id ? dev->id : dev->type->name);
}

typedef struct TestBase {
    DeviceState parent;
    uint32_t base_val;
    int base_realized;
} TestBase;

static const char *const mode_names[] = { "off", "slow", "fast", NULL };

typedef struct TestDev {
    TestBase parent;
    uint8_t u8;
    uint16_t u16;
    uint32_t u32;
    int32_t i32;
    uint64_t u64;
    int64_t i64;
    uint64_t size;
    bool flag;
    uint32_t bits;
    char *name;
    char *label;
    void *ptr;
    int mode;
    uint8_t mac[6];
    int32_t devfn;
    uint32_t ranged;
    bool fail_realize;
    qemu_irq out[2];
    int in_level[4];
    int in_calls;
    BusState *child_bus;
} TestDev;

static bool base_realize(DeviceState *dev, Error **errp)
{
    ((TestBase *)dev)->base_realized++;
    log_hook("base-realize", dev);
    return true;
}

static void base_unrealize(DeviceState *dev)
{
    ((TestBase *)dev)->base_realized--;
    log_hook("base-unrealize", dev);
}

static void base_reset(DeviceState *dev)
{
    log_hook("base-reset", dev);
}

static const Property base_props[] = {
    DEFINE_PROP_UINT32("base-val", TestBase, base_val, 7),
    DEFINE_PROP_END_OF_LIST(),
};

static const DeviceTypeInfo test_base_info = {
    .name = TYPE_TEST_BASE,
    .bus_kind = BUS_KIND_SYSTEM,
    .instance_size = sizeof(TestBase),
    .abstract = true,
    .props = base_props,
    .realize = base_realize,
    .unrealize = base_unrealize,
    .reset = base_reset,
};
DEVICE_TYPE(test_base_info)

static void dev_in_handler(void *opaque, int n, int level)
{
    TestDev *s = opaque;

    s->in_level[n] = level;
    s->in_calls++;
}

static void dev_instance_init(DeviceState *dev)
{
    TestDev *s = (TestDev *)dev;

    qdev_init_gpio_in(dev, dev_in_handler, 4);
    qdev_init_gpio_out(dev, s->out, 2);
}

static bool dev_realize(DeviceState *dev, Error **errp)
{
    TestDev *s = (TestDev *)dev;

    log_hook("realize", dev);
    if (s->fail_realize) {
        error_setg(errp, "the fail property is set");
        return false;
    }
    return true;
}

static void dev_unrealize(DeviceState *dev)
{
    log_hook("unrealize", dev);
}

static void dev_reset(DeviceState *dev)
{
    log_hook("reset", dev);
}

static const Property dev_props[] = {
    DEFINE_PROP_UINT8("u8", TestDev, u8, 0x12),
    DEFINE_PROP_UINT16("u16", TestDev, u16, 0x1234),
    DEFINE_PROP_UINT32("u32", TestDev, u32, 0x3f8),
    DEFINE_PROP_INT32("i32", TestDev, i32, -5),
    DEFINE_PROP_UINT64("u64", TestDev, u64, 1ULL << 40),
    DEFINE_PROP_INT64("i64", TestDev, i64, -1),
    DEFINE_PROP_SIZE("size", TestDev, size, 64 << 20),
    DEFINE_PROP_BOOL("flag", TestDev, flag, true),
    DEFINE_PROP_BIT("bit3", TestDev, bits, 3, true),
    DEFINE_PROP_BIT("bit5", TestDev, bits, 5, false),
    DEFINE_PROP_STRING("name", TestDev, name),
    DEFINE_PROP_STRING_DEFAULT("label", TestDev, label, "default-label"),
    DEFINE_PROP_PTR("ptr", TestDev, ptr),
    DEFINE_PROP_ENUM("mode", TestDev, mode, mode_names, 1),
    DEFINE_PROP_MACADDR("mac", TestDev, mac),
    DEFINE_PROP_PCI_DEVFN("addr", TestDev, devfn, -1),
    DEFINE_PROP_UINT32_RANGE("ranged", TestDev, ranged, 10, 5, 20),
    DEFINE_PROP_BOOL("fail", TestDev, fail_realize, false),
    DEFINE_PROP_END_OF_LIST(),
};

static const DeviceTypeInfo test_dev_info = {
    .name = TYPE_TEST_DEV,
    .parent = TYPE_TEST_BASE,
    .instance_size = sizeof(TestDev),
    .user_creatable = true,
    .desc = "a test device",
    .category = DEVICE_CATEGORY_MISC,
    .props = dev_props,
    .instance_init = dev_instance_init,
    .realize = dev_realize,
    .unrealize = dev_unrealize,
    .reset = dev_reset,
};
DEVICE_TYPE(test_dev_info)

/* An ISA-bus device that provides a bus of its own. */
typedef struct TestIsa {
    DeviceState parent;
    uint32_t iobase;
    BusState *sub;
} TestIsa;

static bool isa_realize(DeviceState *dev, Error **errp)
{
    TestIsa *s = (TestIsa *)dev;

    log_hook("realize", dev);
    if (!s->sub) {
        s->sub = qbus_new("test-sub", dev, NULL);
    }
    return true;
}

static void isa_reset(DeviceState *dev)
{
    log_hook("reset", dev);
}

static const Property isa_props[] = {
    DEFINE_PROP_UINT32("iobase", TestIsa, iobase, 0x60),
    DEFINE_PROP_END_OF_LIST(),
};

static const DeviceTypeInfo test_isa_info = {
    .name = TYPE_TEST_ISA,
    .bus_kind = BUS_KIND_ISA,
    .instance_size = sizeof(TestIsa),
    .user_creatable = true,
    .desc = "a test ISA device",
    .category = DEVICE_CATEGORY_INPUT,
    .props = isa_props,
    .realize = isa_realize,
    .reset = isa_reset,
};
DEVICE_TYPE(test_isa_info)

/* A device on the "test-sub" bus. */
typedef struct TestSink {
    DeviceState parent;
} TestSink;

static void sink_reset(DeviceState *dev)
{
    log_hook("reset", dev);
}

static const DeviceTypeInfo test_sink_info = {
    .name = TYPE_TEST_SINK,
    .bus_kind = "test-sub",
    .instance_size = sizeof(TestSink),
    .reset = sink_reset,
};
DEVICE_TYPE(test_sink_info)

/* A device without a bus, with a vmsd. */
typedef struct TestLoose {
    DeviceState parent;
    uint32_t reg;
} TestLoose;

static const VMStateDescription vmstate_test_loose = {
    .name = "test-loose",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields =
        (const VMStateField[]){
            VMSTATE_UINT32(reg, TestLoose),
            VMSTATE_END_OF_LIST(),
        },
};

static const DeviceTypeInfo test_loose_info = {
    .name = TYPE_TEST_LOOSE,
    .instance_size = sizeof(TestLoose),
    .vmsd = &vmstate_test_loose,
};
DEVICE_TYPE(test_loose_info)

static bool contains(const char *hay, const char *needle)
{
    bool ok = hay && strstr(hay, needle) != NULL;

    if (!ok) {
        tap_diag("'%s' not found in '%s'", needle, hay ? hay : "(null)");
    }
    return ok;
}

/* Check that err exists and mentions each given string; frees it. */
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

static void test_types(void)
{
    Error *err = NULL;
    DeviceState *dev;

    tap_ok(device_type_find(TYPE_TEST_DEV) == &test_dev_info, "registered type is found");
    tap_ok(device_type_find("no-such-type") == NULL, "unknown type is not found");
    tap_ok(device_type_is_a(&test_dev_info, TYPE_TEST_BASE), "derived type is_a its base");
    tap_ok(!device_type_is_a(&test_base_info, TYPE_TEST_DEV), "base is not a derived type");
    tap_ok(strcmp(device_type_bus_kind(&test_dev_info), BUS_KIND_SYSTEM) == 0,
           "bus kind is inherited");
    tap_ok(device_type_bus_kind(&test_loose_info) == NULL, "bus-less type has no bus kind");
    tap_ok(device_type_find(TYPE_SYS_BUS_DEVICE) != NULL, "sys-bus-device base is registered");

    dev = qdev_new("no-such-type", &err);
    tap_ok(dev == NULL && err_mentions(err, "no-such-type", NULL),
           "qdev_new of an unknown type fails naming it");
    err = NULL;
    dev = qdev_new(TYPE_TEST_BASE, &err);
    tap_ok(dev == NULL && err_mentions(err, "abstract", TYPE_TEST_BASE),
           "qdev_new of an abstract type fails");
}

static void test_props(void)
{
    DeviceState *dev = qdev_new(TYPE_TEST_DEV, &error_abort);
    TestDev *s = (TestDev *)dev;
    Error *err = NULL;
    char *v;
    static const uint8_t mac[6] = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 };

    tap_ok(s->u8 == 0x12 && s->u16 == 0x1234 && s->u32 == 0x3f8 && s->i32 == -5 &&
               s->u64 == 1ULL << 40 && s->i64 == -1 && s->size == 64 << 20,
           "integer defaults are set");
    tap_ok(s->flag && s->bits == 1u << 3 && s->mode == 1 && s->devfn == -1,
           "bool, bit, enum, devfn defaults are set");
    tap_ok(s->name == NULL && s->label && strcmp(s->label, "default-label") == 0,
           "string defaults are set (and copied)");
    tap_ok(s->parent.base_val == 7, "inherited property default is set");
    tap_ok(s->in_calls == 0 && qdev_gpio_in_count(dev, NULL) == 4, "instance_init ran");

    qdev_prop_set_uint8(dev, "u8", 0xff);
    qdev_prop_set_uint32(dev, "u32", 0x2f8);
    qdev_prop_set_int32(dev, "i32", -100);
    qdev_prop_set_uint64(dev, "size", 4096);
    qdev_prop_set_bit(dev, "bit5", true);
    qdev_prop_set_bit(dev, "bit3", false);
    qdev_prop_set_bool(dev, "flag", false);
    qdev_prop_set_string(dev, "name", "hello");
    qdev_prop_set_ptr(dev, "ptr", s);
    qdev_prop_set_enum(dev, "mode", 2);
    qdev_prop_set_macaddr(dev, "mac", mac);
    qdev_prop_set_uint32(dev, "base-val", 99);
    tap_ok(s->u8 == 0xff && s->u32 == 0x2f8 && s->i32 == -100 && s->size == 4096 &&
               s->bits == 1u << 5 && !s->flag && strcmp(s->name, "hello") == 0 && s->ptr == s &&
               s->mode == 2 && memcmp(s->mac, mac, 6) == 0 && s->parent.base_val == 99,
           "board setters store values");

    tap_ok(qdev_prop_parse(dev, "u32", "0x3e8", &error_abort) && s->u32 == 0x3e8,
           "parse hex uint32");
    tap_ok(qdev_prop_parse(dev, "u16", "65535", &error_abort) && s->u16 == 65535,
           "parse uint16 maximum");
    tap_ok(qdev_prop_parse(dev, "i32", "-2147483648", &error_abort) && s->i32 == INT32_MIN,
           "parse int32 minimum");
    tap_ok(qdev_prop_parse(dev, "i64", "-9", &error_abort) && s->i64 == -9, "parse int64");
    tap_ok(qdev_prop_parse(dev, "u64", "18446744073709551615", &error_abort) &&
               s->u64 == UINT64_MAX,
           "parse uint64 maximum");
    tap_ok(qdev_prop_parse(dev, "size", "2M", &error_abort) && s->size == 2 << 20,
           "parse size with M suffix");
    tap_ok(qdev_prop_parse(dev, "size", "1G", &error_abort) && s->size == 1ULL << 30,
           "parse size with G suffix");
    tap_ok(qdev_prop_parse(dev, "flag", "on", &error_abort) && s->flag, "parse bool on");
    tap_ok(qdev_prop_parse(dev, "flag", "no", &error_abort) && !s->flag, "parse bool no");
    tap_ok(qdev_prop_parse(dev, "bit3", "true", &error_abort) && s->bits == (1u << 5 | 1u << 3),
           "parse bit property");
    tap_ok(qdev_prop_parse(dev, "label", "x,y", &error_abort) && strcmp(s->label, "x,y") == 0,
           "parse string");
    tap_ok(qdev_prop_parse(dev, "mode", "off", &error_abort) && s->mode == 0, "parse enum");
    tap_ok(qdev_prop_parse(dev, "mac", "de:ad:be:ef:00:01", &error_abort) && s->mac[0] == 0xde &&
               s->mac[5] == 0x01,
           "parse MAC address");
    tap_ok(qdev_prop_parse(dev, "addr", "1f.7", &error_abort) && s->devfn == (0x1f << 3 | 7),
           "parse PCI slot.function");
    tap_ok(qdev_prop_parse(dev, "addr", "3", &error_abort) && s->devfn == 3 << 3, "parse PCI slot");
    tap_ok(qdev_prop_parse(dev, "ranged", "20", &error_abort) && s->ranged == 20,
           "parse ranged property at its maximum");

    tap_ok(!qdev_prop_parse(dev, "nosuch", "1", &err) && err_mentions(err, "nosuch", TYPE_TEST_DEV),
           "unknown property names device and property");
    err = NULL;
    tap_ok(!qdev_prop_parse(dev, "u8", "256", &err) && err_mentions(err, "'u8'", "out of range"),
           "uint8 out of range is refused");
    err = NULL;
    tap_ok(!qdev_prop_parse(dev, "u32", "0x100000000", &err) &&
               err_mentions(err, "'u32'", "out of range"),
           "uint32 out of range is refused");
    err = NULL;
    tap_ok(!qdev_prop_parse(dev, "u32", "-1", &err) && err_mentions(err, "'u32'", "negative"),
           "negative value for an unsigned property is refused");
    err = NULL;
    tap_ok(!qdev_prop_parse(dev, "i32", "2147483648", &err) &&
               err_mentions(err, "'i32'", "out of range"),
           "int32 out of range is refused");
    err = NULL;
    tap_ok(!qdev_prop_parse(dev, "u32", "12abc", &err) && err_mentions(err, "'u32'", "12abc"),
           "trailing garbage is refused");
    err = NULL;
    tap_ok(!qdev_prop_parse(dev, "u64", "99999999999999999999", &err) &&
               err_mentions(err, "'u64'", "too large"),
           "uint64 overflow is refused");
    err = NULL;
    tap_ok(!qdev_prop_parse(dev, "flag", "maybe", &err) && err_mentions(err, "'flag'", "maybe"),
           "bad bool is refused");
    err = NULL;
    tap_ok(!qdev_prop_parse(dev, "size", "5Q", &err) && err_mentions(err, "'size'", "suffix"),
           "bad size suffix is refused");
    err = NULL;
    tap_ok(!qdev_prop_parse(dev, "size", "20000000T", &err) && err_mentions(err, "'size'", "large"),
           "size overflow is refused");
    err = NULL;
    tap_ok(!qdev_prop_parse(dev, "mode", "turbo", &err) && err_mentions(err, "turbo", "slow"),
           "bad enum lists the choices");
    err = NULL;
    tap_ok(!qdev_prop_parse(dev, "mac", "de:ad:be:ef:00", &err) && err_mentions(err, "'mac'", NULL),
           "short MAC is refused");
    err = NULL;
    tap_ok(!qdev_prop_parse(dev, "addr", "20.0", &err) && err_mentions(err, "'addr'", "range"),
           "PCI slot 0x20 is refused");
    err = NULL;
    tap_ok(!qdev_prop_parse(dev, "ptr", "0x1234", &err) && err_mentions(err, "'ptr'", NULL),
           "pointer properties cannot be parsed");
    err = NULL;
    tap_ok(!qdev_prop_parse(dev, "ranged", "4", &err) && err_mentions(err, "'ranged'", "5..20"),
           "below a custom range is refused");
    err = NULL;
    tap_ok(!qdev_prop_parse(dev, "ranged", "21", &err) && err_mentions(err, "'ranged'", "5..20"),
           "above a custom range is refused");
    tap_ok(s->ranged == 20 && s->u8 == 0xff, "refused values leave the old value");

    v = qdev_prop_print(dev, "mac");
    tap_ok(v && strcmp(v, "de:ad:be:ef:00:01") == 0, "print MAC");
    free(v);
    v = qdev_prop_print(dev, "addr");
    tap_ok(v && strcmp(v, "03.0") == 0, "print devfn");
    free(v);
    v = qdev_prop_print(dev, "mode");
    tap_ok(v && strcmp(v, "off") == 0, "print enum");
    free(v);
    tap_ok(qdev_prop_print(dev, "nosuch") == NULL, "print unknown property gives NULL");

    qdev_set_id(dev, "props", &error_abort);
    qdev_realize(dev, NULL, &error_abort);
    err = NULL;
    tap_ok(!qdev_prop_parse(dev, "u32", "1", &err) && err_mentions(err, "realized", "'props'"),
           "properties of a realized device are frozen");
    qdev_delete(dev);
}

static void test_realize(void)
{
    DeviceState *dev = qdev_new(TYPE_TEST_DEV, &error_abort);
    TestDev *s = (TestDev *)dev;
    BusState *sysbus = sysbus_get_default();
    BusState *isa = qbus_new(BUS_KIND_ISA, NULL, NULL);
    Error *err = NULL;
    DeviceState *idev, *sink, *loose;
    int before;

    tap_ok(strcmp(isa->name, "isa.0") == 0 && qbus_find("isa.0") == isa &&
               qbus_find_kind(BUS_KIND_ISA) == isa,
           "bus gets an automatic name and is found");

    qdev_set_id(dev, "bad", &error_abort);
    qdev_prop_set_bit(dev, "fail", true);
    hook_log[0] = '\0';
    before = sysbus->num_children;
    tap_ok(!qdev_realize(dev, NULL, &err) && err_mentions(err, "'bad'", "the fail property is set"),
           "realize failure propagates, naming the device");
    tap_ok(strcmp(hook_log, "base-realize:bad realize:bad base-unrealize:bad") == 0,
           "a failed realize unwinds the base levels");
    tap_ok(!dev->realized && dev->parent_bus == NULL && sysbus->num_children == before &&
               s->parent.base_realized == 0,
           "failed device is left unrealized and off the bus");

    qdev_prop_set_bit(dev, "fail", false);
    err = NULL;
    tap_ok(!qdev_realize(dev, isa, &err) && err_mentions(err, "'sys-bus' bus", "isa.0"),
           "wrong bus kind is refused");
    tap_ok(qdev_realize(dev, NULL, &error_abort) && dev->realized && dev->parent_bus == sysbus,
           "sys-bus device goes on the main system bus");
    err = NULL;
    tap_ok(!qdev_realize(dev, NULL, &err) && err_mentions(err, "already realized", NULL),
           "realizing twice is refused");

    idev = qdev_new(TYPE_TEST_ISA, &error_abort);
    err = NULL;
    tap_ok(!qdev_realize(idev, NULL, &err) && err_mentions(err, "needs a 'isa' bus", NULL),
           "non-sysbus device without a bus is refused");
    qdev_realize(idev, isa, &error_abort);
    sink = qdev_new(TYPE_TEST_SINK, &error_abort);
    qdev_set_id(sink, "sink", &error_abort);
    tap_ok(qdev_realize(sink, ((TestIsa *)idev)->sub, &error_abort), "device on a child bus");

    loose = qdev_new(TYPE_TEST_LOOSE, &error_abort);
    err = NULL;
    tap_ok(!qdev_realize(loose, isa, &err) && err_mentions(err, "does not plug into a bus", NULL),
           "bus-less device refuses a bus");
    tap_ok(qdev_realize(loose, NULL, &error_abort) && vmstate_find_entry("test-loose", 0) != NULL,
           "realize registers the vmsd");

    err = NULL;
    tap_ok(!qdev_set_id(idev, "bad", &err) && err_mentions(err, "duplicate id", NULL),
           "duplicate ids are refused");
    tap_ok(qdev_find_by_id("sink") == sink, "find by id");

    isa->max_children = 1;
    {
        DeviceState *second = qdev_new(TYPE_TEST_ISA, &error_abort);

        err = NULL;
        tap_ok(!qdev_realize(second, isa, &err) && err_mentions(err, "full", "isa.0"),
               "a full bus refuses more devices");
        qdev_delete(second);
    }

    hook_log[0] = '\0';
    qdev_unrealize(dev);
    tap_ok(strcmp(hook_log, "unrealize:bad base-unrealize:bad") == 0 && !dev->realized,
           "unrealize runs derived first");
    qdev_delete(dev);
    qdev_delete(loose);
    tap_ok(vmstate_find_entry("test-loose", 0) == NULL, "delete unregisters the vmsd");
    qdev_delete(idev);
    tap_ok(qdev_find_by_id("sink") == NULL, "deleting a device deletes its child buses' devices");
    qbus_delete(isa);
    tap_ok(qbus_find("isa.0") == NULL, "deleted bus is gone");
}

static void test_reset(void)
{
    BusState *isa = qbus_new(BUS_KIND_ISA, NULL, "isa-reset");
    DeviceState *a = qdev_new(TYPE_TEST_DEV, &error_abort);
    DeviceState *b = qdev_new(TYPE_TEST_ISA, &error_abort);
    DeviceState *c = qdev_new(TYPE_TEST_DEV, &error_abort);
    DeviceState *sink = qdev_new(TYPE_TEST_SINK, &error_abort);
    DeviceState *unreal = qdev_new(TYPE_TEST_DEV, &error_abort);

    qdev_set_id(a, "a", &error_abort);
    qdev_set_id(b, "b", &error_abort);
    qdev_set_id(c, "c", &error_abort);
    qdev_set_id(sink, "s", &error_abort);
    qdev_set_id(unreal, "u", &error_abort);
    /* realize in a different order from creation */
    qdev_realize(c, NULL, &error_abort);
    qdev_realize(b, isa, &error_abort);
    qdev_realize(a, NULL, &error_abort);
    qdev_realize(sink, ((TestIsa *)b)->sub, &error_abort);

    hook_log[0] = '\0';
    qdev_reset_all_devices();
    tap_ok(strcmp(hook_log, "base-reset:a reset:a reset:b base-reset:c reset:c reset:s") == 0,
           "machine reset: every realized device once, creation order, base first");
    if (strcmp(hook_log, "base-reset:a reset:a reset:b base-reset:c reset:c reset:s") != 0) {
        tap_diag("log: %s", hook_log);
    }
    hook_log[0] = '\0';
    device_cold_reset(b);
    tap_ok(strcmp(hook_log, "reset:b reset:s") == 0, "device_cold_reset resets the subtree");

    qdev_delete(a);
    qdev_delete(b);
    qdev_delete(c);
    qdev_delete(unreal);
    qbus_delete(isa);
}

static int watched_level[4], watched_calls;
static void *watched_opaque;

static void watch_handler(void *opaque, int n, int level)
{
    watched_opaque = opaque;
    watched_level[n] = level;
    watched_calls++;
}

static int plain_level, plain_calls;

static void plain_handler(void *opaque, int n, int level)
{
    plain_level = level;
    plain_calls++;
}

static void test_gpio(void)
{
    DeviceState *src = qdev_new(TYPE_TEST_DEV, &error_abort);
    DeviceState *dst = qdev_new(TYPE_TEST_DEV, &error_abort);
    TestDev *s = (TestDev *)src, *d = (TestDev *)dst;
    qemu_irq named[2] = { NULL, NULL };
    qemu_irq a, b, inv, split, ins[4];
    Error *err = NULL;

    qemu_set_irq(s->out[0], 1); /* unconnected: nothing happens */
    tap_ok(d->in_calls == 0, "an unconnected output does nothing");

    tap_ok(qdev_connect_gpio_out(src, 0, qdev_get_gpio_in(dst, 2)), "connect output 0");
    tap_ok(qdev_connect_gpio_out(src, 1, qdev_get_gpio_in(dst, 3)), "connect output 1");
    qemu_irq_raise(s->out[0]);
    tap_ok(d->in_level[2] == 1 && d->in_calls == 1, "raise reaches the input");
    qemu_irq_lower(s->out[0]);
    tap_ok(d->in_level[2] == 0, "lower reaches the input");
    qemu_irq_pulse(s->out[1]);
    tap_ok(d->in_level[3] == 0 && d->in_calls == 4, "pulse is a raise and a lower");
    tap_ok(qdev_get_gpio_out_connector(src, NULL, 0) == qdev_get_gpio_in(dst, 2),
           "the connector of an output");
    tap_ok(qdev_get_gpio_in(dst, 4) == NULL, "input out of range gives NULL");
    tap_ok(!qdev_connect_gpio_out(src, 2, NULL), "output out of range is refused");

    qdev_init_gpio_in_named(dst, dev_in_handler, "extra", 1);
    qdev_init_gpio_out_named(src, named, "pins", 2);
    tap_ok(qdev_gpio_in_count(dst, "extra") == 1 && qdev_gpio_out_count(src, "pins") == 2,
           "named groups have their counts");
    qdev_connect_gpio_out_named(src, "pins", 1, qdev_get_gpio_in_named(dst, "extra", 0));
    qemu_set_irq(named[1], 5);
    tap_ok(d->in_level[0] == 5, "named line passes its level (n counts within the group)");

    /* intercept the destination's inputs */
    watched_calls = 0;
    d->in_calls = 0;
    tap_ok(qdev_intercept_gpio_in(dst, NULL, watch_handler, &watched_calls, &error_abort),
           "intercept inputs");
    qemu_irq_raise(s->out[1]);
    tap_ok(watched_calls == 1 && watched_level[3] == 1 && watched_opaque == &watched_calls &&
               d->in_calls == 0,
           "intercepted input goes to the test, not the device");
    for (int i = 0; i < 4; i++) {
        ins[i] = qdev_get_gpio_in(dst, i);
    }
    qemu_irq_intercept_remove(ins, 4);
    qemu_irq_lower(s->out[1]);
    tap_ok(d->in_calls == 1 && d->in_level[3] == 0 && watched_calls == 1,
           "removing the intercept restores the device handler");

    /* intercept the source's outputs */
    watched_calls = 0;
    d->in_calls = 0;
    tap_ok(qdev_intercept_gpio_out(src, NULL, watch_handler, NULL, &error_abort),
           "intercept outputs");
    qemu_irq_raise(s->out[0]);
    tap_ok(watched_calls == 1 && watched_level[0] == 1 && d->in_calls == 0,
           "intercepted output goes to the test");
    tap_ok(!qdev_intercept_gpio_out(src, "nosuch", watch_handler, NULL, &err) &&
               err_mentions(err, "nosuch", TYPE_TEST_DEV),
           "intercepting a missing group fails");

    /* inverter and splitter */
    a = qemu_allocate_irq(plain_handler, NULL, 0);
    b = qemu_allocate_irq(watch_handler, NULL, 1);
    inv = qemu_irq_invert(a);
    qemu_irq_raise(inv);
    tap_ok(plain_level == 0, "inverter: high in, low out");
    qemu_irq_lower(inv);
    tap_ok(plain_level == 1, "inverter: low in, high out");
    split = qemu_irq_split(a, b);
    plain_calls = watched_calls = 0;
    qemu_set_irq(split, 1);
    tap_ok(plain_calls == 1 && watched_calls == 1 && plain_level == 1 && watched_level[1] == 1,
           "splitter drives both lines");
    qemu_free_irq(split);
    qemu_free_irq(inv);
    qemu_free_irq(a);
    qemu_free_irq(b);

    qdev_delete(src);
    qdev_delete(dst);
}

static void test_options(void)
{
    DeviceState *dev;
    Error *err = NULL;
    char *bus = NULL, *text;
    FILE *f;
    char *buf = NULL;
    size_t len = 0;

    dev = qdev_new_from_options("test-dev,id=opt1,u32=0x100,bus=main-system-bus,label=a,,b", &bus,
                                &error_abort);
    tap_ok(dev && strcmp(dev->id, "opt1") == 0 && ((TestDev *)dev)->u32 == 0x100 &&
               strcmp(((TestDev *)dev)->label, "a,b") == 0 && bus &&
               strcmp(bus, "main-system-bus") == 0,
           "-device parses id, bus, properties and ,, escapes");
    tap_ok(qdev_realize(dev, qbus_find(bus), &error_abort), "the parsed device realizes");
    free(bus);

    dev = qdev_new_from_options("driver=test-isa,iobase=0x3f8", NULL, &error_abort);
    tap_ok(dev && ((TestIsa *)dev)->iobase == 0x3f8, "-device driver= form");
    qdev_delete(dev);

    tap_ok(!qdev_new_from_options("test-dev,u8=300", NULL, &err) &&
               err_mentions(err, "'u8'", "test-dev"),
           "-device out-of-range value fails naming device and property");
    err = NULL;
    tap_ok(!qdev_new_from_options("test-dev,bogus=1", NULL, &err) &&
               err_mentions(err, "bogus", "test-dev"),
           "-device unknown property fails");
    err = NULL;
    tap_ok(!qdev_new_from_options("test-dev,flag", NULL, &err) &&
               err_mentions(err, "property=value", NULL),
           "-device key without value fails");
    err = NULL;
    tap_ok(!qdev_new_from_options("nonexistent", NULL, &err) &&
               err_mentions(err, "unknown device type 'nonexistent'", NULL),
           "-device unknown type fails");
    err = NULL;
    tap_ok(!qdev_new_from_options("test-sink", NULL, &err) &&
               err_mentions(err, "cannot be created by the user", NULL),
           "-device of a non-user-creatable type fails");
    err = NULL;
    tap_ok(!qdev_new_from_options("test-dev,id=opt1", NULL, &err) &&
               err_mentions(err, "duplicate id", NULL),
           "-device duplicate id fails");

    {
        BusState *isa = qbus_new(BUS_KIND_ISA, NULL, "isa-add");
        DeviceState *added;

        added = qdev_device_add("test-isa,id=added,iobase=0x70", &error_abort);
        tap_ok(added && added->realized && added->parent_bus == isa,
               "device_add finds the bus of the device's kind and realizes");
        err = NULL;
        tap_ok(!qdev_device_add("test-isa,bus=nowhere", &err) &&
                   err_mentions(err, "bus 'nowhere' not found", NULL),
               "device_add with an unknown bus fails");
        err = NULL;
        tap_ok(!qdev_device_add("test-dev,fail=on,id=failing", &err) &&
                   err_mentions(err, "the fail property is set", NULL) &&
                   qdev_find_by_id("failing") == NULL,
               "device_add deletes a device that fails to realize");
        qdev_delete(added);
        qbus_delete(isa);
        err = NULL;
        tap_ok(!qdev_device_add("test-isa", &err) && err_mentions(err, "no 'isa' bus", NULL),
               "device_add without a bus of the kind fails");
    }

    text = qdev_format_type_list();
    tap_ok(contains(text, "name \"test-dev\", bus sys-bus, desc \"a test device\"") &&
               contains(text, "name \"test-isa\"") && !strstr(text, "test-sink") &&
               !strstr(text, "\"test-base\"") &&
               strstr(text, "input devices:") < strstr(text, "misc devices:"),
           "type list shows user-creatable types by category");
    free(text);

    text = qdev_format_type_help(TYPE_TEST_DEV, &error_abort);
    tap_ok(contains(text, "u32=<uint32>") && contains(text, "default: 1016 (0x3f8)") &&
               contains(text, "base-val=<uint32>") &&
               contains(text, "mode=<enum> (off|slow|fast)") && contains(text, "label=<str>") &&
               contains(text, "\"default-label\""),
           "type help lists properties with types and defaults");
    free(text);

    f = open_memstream(&buf, &len);
    tap_ok(qdev_options_help("help", f), "'help' is a help request");
    tap_ok(qdev_options_help("test-isa,help", f), "'type,help' is a help request");
    tap_ok(!qdev_options_help("test-isa,iobase=1", f), "a normal spec is not");
    fclose(f);
    tap_ok(contains(buf, "name \"test-dev\"") && contains(buf, "test-isa options:") &&
               contains(buf, "iobase=<uint32>"),
           "help output");
    free(buf);

    text = qdev_format_qtree();
    tap_ok(contains(text, "bus: main-system-bus") && contains(text, "dev: test-dev, id \"opt1\"") &&
               contains(text, "u32 = 256 (0x100)"),
           "info qtree shows buses, devices and properties");
    free(text);
    qdev_delete(qdev_find_by_id("opt1"));
}

/* A device with a chardev property. */
typedef struct TestChr {
    DeviceState parent;
    CharBackend chr;
} TestChr;

static const Property chr_props[] = {
    DEFINE_PROP_CHR("chardev", TestChr, chr),
    DEFINE_PROP_END_OF_LIST(),
};

static const DeviceTypeInfo test_chr_info = {
    .name = "test-chr",
    .instance_size = sizeof(TestChr),
    .user_creatable = true,
    .props = chr_props,
};
DEVICE_TYPE(test_chr_info)

static void test_chardev_prop(void)
{
    Chardev *c0 = qemu_chr_new("c0", "null", &error_abort);
    DeviceState *d1, *d2;
    Error *err = NULL;
    char *v;

    d1 = qdev_new_from_options("test-chr,chardev=c0", NULL, &error_abort);
    tap_ok(d1 && ((TestChr *)d1)->chr.chr == c0, "chardev property connects the backend");
    v = qdev_prop_print(d1, "chardev");
    tap_ok(v && strcmp(v, "c0") == 0, "chardev property prints the id");
    free(v);
    tap_ok(!qdev_new_from_options("test-chr,chardev=nope", NULL, &err) &&
               err_mentions(err, "no chardev with id 'nope'", "'chardev'"),
           "unknown chardev id fails naming the property");
    err = NULL;
    d2 = qdev_new("test-chr", &error_abort);
    tap_ok(!qdev_prop_parse(d2, "chardev", "c0", &err) &&
               err_mentions(err, "'chardev'", "test-chr"),
           "a chardev already in use is refused");
    qdev_delete(d1);
    tap_ok(qdev_prop_parse(d2, "chardev", "c0", &error_abort) && ((TestChr *)d2)->chr.chr == c0,
           "deleting the device frees the chardev for another");
    qdev_delete(d2);
    qemu_chr_delete(c0);
}

int main(void)
{
    test_types();
    test_props();
    test_realize();
    test_reset();
    test_gpio();
    test_options();
    test_chardev_prop();
    tap_ok(qdev_first() == NULL, "every device was deleted");
    return tap_done();
}
