/*
 * A tiny ISA machine for the ISA device unit tests: the I/O and memory
 * address spaces, an ISA bus whose 16 IRQ lines are intercepted and their
 * levels recorded, the virtual clock in qtest mode (advanced explicitly),
 * port accessors, and a vmstate save/reset/load round trip.
 * Header-only, one machine per test executable.
 */
#ifndef TESTS_UNIT_ISA_TEST_H
#define TESTS_UNIT_ISA_TEST_H

#include <stdlib.h>

#include "exec/memory.h"
#include "hw/core/qdev.h"
#include "hw/isa/isa.h"
#include "migration/vmstate.h"
#include "util/main-loop.h"
#include "util/timer.h"

static ISABus *isa_test_bus;
static qemu_irq *isa_test_lines;
/* level of each ISA IRQ as last driven, and how many rising edges */
static int isa_test_irq_level[ISA_NUM_IRQS];
static int isa_test_irq_raises[ISA_NUM_IRQS];

static void isa_test_irq_handler(void *opaque, int n, int level)
{
    if (level && !isa_test_irq_level[n]) {
        isa_test_irq_raises[n]++;
    }
    isa_test_irq_level[n] = level;
}

/* Set up the machine; intercept_irqs: record the ISA IRQs in the arrays
 * above (otherwise the test connects them itself). */
static inline void isa_test_init(bool intercept_irqs)
{
    qemu_clock_set_qtest_mode(true);
    qemu_init_main_loop(&error_abort);
    bql_lock();
    isa_test_bus = isa_bus_new(NULL, get_system_memory(), get_system_io(), &error_abort);
    if (intercept_irqs) {
        isa_test_lines = qemu_allocate_irqs(isa_test_irq_handler, NULL, ISA_NUM_IRQS);
        isa_bus_register_input_irqs(isa_test_bus, isa_test_lines);
    }
}

/* Tear down what isa_test_init made (the devices stay, as in a machine). */
static inline void isa_test_finish(void)
{
    isa_bus_register_input_irqs(isa_test_bus, NULL);
    if (isa_test_lines) {
        qemu_free_irqs(isa_test_lines, ISA_NUM_IRQS);
        isa_test_lines = NULL;
    }
    bql_unlock();
}

static inline void outb(uint16_t port, uint8_t v)
{
    address_space_stb(&address_space_io, port, v, MEMTXATTRS_UNSPECIFIED, NULL);
}

static inline uint8_t inb(uint16_t port)
{
    return address_space_ldub(&address_space_io, port, MEMTXATTRS_UNSPECIFIED, NULL);
}

static inline void outw(uint16_t port, uint16_t v)
{
    address_space_stw(&address_space_io, port, v, MEMTXATTRS_UNSPECIFIED, NULL);
}

static inline uint16_t inw(uint16_t port)
{
    return address_space_lduw(&address_space_io, port, MEMTXATTRS_UNSPECIFIED, NULL);
}

/* Advance virtual time (running the device timers that fall due). */
static inline int64_t clock_step(int64_t ns)
{
    return qemu_clock_advance_virtual(ns);
}

static inline int64_t clock_now(void)
{
    return qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
}

/* Save dev's state into buf (which the caller frees); false on error. */
static inline bool isa_test_save(DeviceState *dev, VMStateBuffer *buf)
{
    VMStateStream st;
    Error *err = NULL;

    *buf = (VMStateBuffer){ 0 };
    vmstate_stream_init_buffer_writer(&st, buf);
    if (vmstate_save_state(&st, qdev_get_vmsd(dev), dev, &err) < 0) {
        error_report_err(err);
        return false;
    }
    return true;
}

static inline bool isa_test_load(DeviceState *dev, VMStateBuffer *buf)
{
    VMStateStream st;
    Error *err = NULL;

    buf->pos = 0;
    vmstate_stream_init_buffer_reader(&st, buf);
    if (vmstate_load_state(&st, qdev_get_vmsd(dev), dev, qdev_get_vmsd(dev)->version_id, &err) <
        0) {
        error_report_err(err);
        return false;
    }
    return buf->pos == buf->len;
}

/* The n-th realized device of a type (creation order), or NULL. */
static inline DeviceState *isa_test_find(const char *type, int n)
{
    for (DeviceState *d = qdev_first(); d; d = qdev_next(d)) {
        if (qdev_is_a(d, type) && n-- == 0) {
            return d;
        }
    }
    return NULL;
}

#endif
