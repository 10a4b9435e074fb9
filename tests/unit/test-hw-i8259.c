/*
 * The cascaded 8259A pair through its ports: initialization as Linux and
 * SeaBIOS do it, INTA vectors, masking, fixed and rotating priority,
 * nesting, EOI forms, the cascade, spurious IRQ 7/15, level triggering
 * via ELCR, automatic EOI, poll mode, special mask mode, and a vmstate
 * round trip. IRQs are raised on the ISA bus lines; the CPU's INTR line is
 * a recording handler and INTA is pic_read_irq().
 */
#include <string.h>

#include "hw/intc/i8259.h"
#include "isa-test.h"
#include "tap.h"

static DeviceState *master;
static int intr_level;

static void cpu_intr(void *opaque, int n, int level)
{
    intr_level = level;
}

static void set_irq(int n, int level)
{
    qemu_set_irq(isa_bus_get_irq(isa_test_bus, n), level);
}

static void pulse_irq(int n)
{
    set_irq(n, 1);
    set_irq(n, 0);
}

static uint8_t read_irr(uint16_t base)
{
    outb(base, 0x0a);
    return inb(base);
}

static uint8_t read_isr(uint16_t base)
{
    uint8_t v;

    outb(base, 0x0b);
    v = inb(base);
    outb(base, 0x0a);
    return v;
}

/* The PC initialization: master vectors at mbase, slave at sbase. */
static void pic_program(uint8_t mbase, uint8_t sbase, uint8_t icw4)
{
    outb(0x20, 0x11);
    outb(0x21, mbase);
    outb(0x21, 0x04);
    outb(0x21, icw4);
    outb(0xa0, 0x11);
    outb(0xa1, sbase);
    outb(0xa1, 0x02);
    outb(0xa1, icw4);
    outb(0x21, 0x00);
    outb(0xa1, 0x00);
}

static void eoi_all(void)
{
    for (int i = 0; i < 8; i++) {
        outb(0xa0, 0x20);
        outb(0x20, 0x20);
    }
}

static void test_basic(void)
{
    pic_program(0x20, 0x28, 0x01);
    tap_ok(inb(0x21) == 0 && inb(0xa1) == 0, "IMR cleared by init and OCW1");
    tap_ok(!intr_level, "no interrupt after init");

    pulse_irq(1);
    tap_ok(intr_level, "IRQ1 raises INTR");
    tap_ok(read_irr(0x20) == 0x02, "IRR shows IRQ1 (got %#x)", read_irr(0x20));
    tap_ok(pic_read_irq(master) == 0x21, "INTA gives vector 0x21");
    tap_ok(!intr_level, "INTR drops after INTA");
    tap_ok(read_isr(0x20) == 0x02 && read_irr(0x20) == 0, "IRQ1 in service, IRR cleared");
    outb(0x20, 0x20);
    tap_ok(read_isr(0x20) == 0, "non-specific EOI clears ISR");
}

static void test_mask(void)
{
    outb(0x21, 0x02);
    pulse_irq(1);
    tap_ok(!intr_level && read_irr(0x20) == 0x02, "masked IRQ1 latched in IRR, no INTR");
    tap_ok(inb(0x21) == 0x02, "IMR reads back");
    outb(0x21, 0x00);
    tap_ok(intr_level, "unmasking delivers the pending IRQ1");
    tap_ok(pic_read_irq(master) == 0x21, "vector 0x21");
    outb(0x20, 0x20);
}

static void test_priority_nesting(void)
{
    pulse_irq(3);
    pulse_irq(1);
    tap_ok(pic_read_irq(master) == 0x21, "IRQ1 beats IRQ3");
    tap_ok(!intr_level, "IRQ3 waits while IRQ1 is in service");
    pulse_irq(0);
    tap_ok(intr_level, "IRQ0 (higher) nests over IRQ1");
    tap_ok(pic_read_irq(master) == 0x20, "vector 0x20");
    tap_ok(read_isr(0x20) == 0x03, "IRQ0 and IRQ1 in service");
    outb(0x20, 0x20);
    tap_ok(read_isr(0x20) == 0x02 && !intr_level, "non-specific EOI ends IRQ0 only");
    outb(0x20, 0x61); /* specific EOI IRQ1 */
    tap_ok(read_isr(0x20) == 0 && intr_level, "specific EOI for IRQ1; IRQ3 now signalled");
    tap_ok(pic_read_irq(master) == 0x23, "vector 0x23");
    outb(0x20, 0x20);
}

static void test_rotation(void)
{
    /* set priority: IR2 lowest, so IR3 highest */
    outb(0x20, 0xc2);
    pulse_irq(1);
    pulse_irq(4);
    tap_ok(pic_read_irq(master) == 0x24, "after set-priority IRQ4 beats IRQ1");
    /* rotate on non-specific EOI: IR4 becomes lowest, IR5 highest */
    outb(0x20, 0xa0);
    tap_ok(read_isr(0x20) == 0, "rotating EOI clears ISR");
    pulse_irq(4);
    tap_ok(pic_read_irq(master) == 0x21, "IRQ1 now beats IRQ4 (IR4 lowest)");
    outb(0x20, 0x20);
    tap_ok(pic_read_irq(master) == 0x24, "then IRQ4");
    outb(0x20, 0x20);
    outb(0x20, 0xc7); /* back to IR0 highest */
}

static void test_cascade(void)
{
    pulse_irq(8);
    tap_ok(intr_level, "IRQ8 reaches INTR through the cascade");
    tap_ok(pic_read_irq(master) == 0x28, "vector 0x28 from the slave");
    tap_ok(read_isr(0x20) == 0x04 && read_isr(0xa0) == 0x01, "master IR2 and slave IR0 in service");
    pulse_irq(14);
    tap_ok(!intr_level, "IRQ14 blocked while IRQ8 in service (fully nested)");
    outb(0xa0, 0x20);
    outb(0x20, 0x20);
    tap_ok(intr_level, "after EOI to both, IRQ14 is signalled");
    tap_ok(pic_read_irq(master) == 0x2e, "vector 0x2e");
    outb(0xa0, 0x20);
    outb(0x20, 0x20);
    pulse_irq(9);
    pulse_irq(3);
    tap_ok(pic_read_irq(master) == 0x29, "IRQ9 (via IR2) beats IRQ3");
    outb(0xa0, 0x20);
    outb(0x20, 0x20);
    tap_ok(pic_read_irq(master) == 0x23, "then IRQ3");
    outb(0x20, 0x20);
    outb(0xa1, 0x02); /* slave masks IRQ9 */
    pulse_irq(9);
    tap_ok(!intr_level, "slave-masked IRQ9 does not reach INTR");
    outb(0xa1, 0x00);
    tap_ok(pic_read_irq(master) == 0x29, "unmasked on the slave: vector 0x29");
    eoi_all();
}

static void test_spurious(void)
{
    tap_ok(pic_read_irq(master) == 0x27, "INTA with no request: spurious vector 0x27");
    tap_ok(read_isr(0x20) == 0, "spurious IRQ7 sets no ISR bit");
    /* a slave request that vanishes before INTA (level-triggered line) */
    outb(0x4d1, 0x08);
    set_irq(11, 1);
    tap_ok(intr_level, "level IRQ11 signalled");
    set_irq(11, 0);
    /* the master latched IR2's edge; the slave has nothing: IRQ15 */
    tap_ok(pic_read_irq(master) == 0x2f, "vanished slave request: spurious vector 0x2f");
    tap_ok(read_isr(0xa0) == 0 && read_isr(0x20) == 0x04, "master IR2 in service, slave none");
    outb(0x20, 0x20);
    outb(0x4d1, 0x00);
}

static void test_level_elcr(void)
{
    outb(0x4d0, 0xff);
    tap_ok(inb(0x4d0) == 0xf8, "master ELCR keeps IRQ0-2 edge (%#x)", inb(0x4d0));
    outb(0x4d1, 0xff);
    tap_ok(inb(0x4d1) == 0xde, "slave ELCR keeps IRQ8 and IRQ13 edge (%#x)", inb(0x4d1));
    outb(0x4d0, 0x20);
    outb(0x4d1, 0x00);
    set_irq(5, 1);
    tap_ok(pic_read_irq(master) == 0x25, "level IRQ5 delivered");
    tap_ok(read_irr(0x20) & 0x20, "level IRR stays set while the line is high");
    outb(0x20, 0x20);
    tap_ok(intr_level, "still high after EOI: requested again");
    tap_ok(pic_read_irq(master) == 0x25, "vector 0x25 again");
    set_irq(5, 0);
    tap_ok(!(read_irr(0x20) & 0x20), "IRR follows the line down");
    outb(0x20, 0x20);
    tap_ok(!intr_level, "no request after the line dropped");
    /* edge: a line held high gives one interrupt */
    outb(0x4d0, 0x00);
    set_irq(5, 1);
    tap_ok(pic_read_irq(master) == 0x25, "edge IRQ5");
    outb(0x20, 0x20);
    tap_ok(!intr_level, "edge-triggered line held high: no second interrupt");
    set_irq(5, 0);
}

static void test_auto_eoi(void)
{
    pic_program(0x40, 0x48, 0x03);
    pulse_irq(6);
    tap_ok(pic_read_irq(master) == 0x46, "new base 0x40 after re-init");
    tap_ok(read_isr(0x20) == 0, "auto-EOI leaves ISR clear");
    pulse_irq(7);
    tap_ok(intr_level && pic_read_irq(master) == 0x47, "next interrupt needs no EOI");
    pic_program(0x20, 0x28, 0x01);
}

static void test_poll(void)
{
    outb(0x21, 0xff); /* polling works with interrupts masked at the CPU... */
    outb(0x21, 0x00);
    outb(0x20, 0x0c);
    tap_ok(inb(0x20) == 0x00, "poll with nothing pending reads 0");
    pulse_irq(4);
    outb(0x20, 0x0c);
    tap_ok(inb(0x20) == 0x84, "poll reads 0x80 | 4");
    tap_ok(read_isr(0x20) == 0x10 && !intr_level, "poll acknowledged IRQ4");
    outb(0x20, 0x20);
}

static void test_special_mask(void)
{
    pulse_irq(3);
    tap_ok(pic_read_irq(master) == 0x23, "IRQ3 in service");
    pulse_irq(5);
    tap_ok(!intr_level, "IRQ5 blocked by IRQ3 in service");
    outb(0x21, 0x08); /* mask IRQ3 */
    outb(0x20, 0x68); /* set special mask mode */
    tap_ok(intr_level, "special mask mode lets the lower IRQ5 through");
    tap_ok(pic_read_irq(master) == 0x25, "vector 0x25");
    outb(0x20, 0x65); /* specific EOI 5 */
    outb(0x20, 0x48); /* reset special mask mode */
    outb(0x21, 0x00);
    outb(0x20, 0x63);
    tap_ok(read_isr(0x20) == 0 && !intr_level, "clean after special mask mode");
}

static void test_vmstate(void)
{
    DeviceState *slave = isa_test_find(TYPE_I8259, 1);
    VMStateBuffer bm, bs;
    uint8_t irr0, isr0, imr0, irr1, isr1, imr1;
    int v1, v2;

    /* leave some state: IRQ1 in service, IRQ3 and IRQ10 pending, masks */
    outb(0xa1, 0x10);
    pulse_irq(1);
    tap_ok(pic_read_irq(master) == 0x21, "vmstate: IRQ1 in service");
    pulse_irq(3);
    pulse_irq(10);
    outb(0x20, 0xc4); /* rotate: IR5 highest */
    pulse_irq(6);     /* rank 1 beats IRQ1 in service: INTR high */
    tap_ok(intr_level, "vmstate: INTR high before saving");
    irr0 = read_irr(0x20);
    isr0 = read_isr(0x20);
    imr0 = inb(0x21);
    irr1 = read_irr(0xa0);
    isr1 = read_isr(0xa0);
    imr1 = inb(0xa1);
    tap_ok(isa_test_save(master, &bm) && isa_test_save(slave, &bs), "vmstate: saved both chips");
    qdev_reset_all_devices();
    tap_ok(read_isr(0x20) == 0 && read_irr(0x20) == 0 && !intr_level, "reset cleared the master");
    tap_ok(isa_test_load(master, &bm) && isa_test_load(slave, &bs), "vmstate: loaded both chips");
    tap_ok(read_irr(0x20) == irr0 && read_isr(0x20) == isr0 && inb(0x21) == imr0 &&
               read_irr(0xa0) == irr1 && read_isr(0xa0) == isr1 && inb(0xa1) == imr1,
           "vmstate: IRR/ISR/IMR of both chips restored");
    tap_ok(intr_level, "vmstate: INTR re-driven");
    tap_ok(pic_read_irq(master) == 0x26, "vmstate: pending IRQ6 delivered first");
    outb(0x20, 0x66);
    outb(0x20, 0x61);
    v1 = pic_read_irq(master);
    outb(0x20, 0x20);
    v2 = pic_read_irq(master);
    tap_ok(v1 == 0x2a && v2 == 0x23, "vmstate: rotated priority kept (got %#x %#x)", v1, v2);
    vmstate_buffer_free(&bm);
    vmstate_buffer_free(&bs);
}

int main(void)
{
    qemu_irq intr;
    qemu_irq *irqs;

    isa_test_init(false);
    intr = qemu_allocate_irq(cpu_intr, NULL, 0);
    irqs = i8259_init(isa_test_bus, intr, &master);
    isa_bus_register_input_irqs(isa_test_bus, irqs);
    free(irqs);
    qdev_reset_all_devices();

    test_basic();
    test_mask();
    test_priority_nesting();
    test_rotation();
    test_cascade();
    test_spurious();
    test_level_elcr();
    test_auto_eoi();
    test_poll();
    test_special_mask();
    test_vmstate();

    isa_bus_delete(isa_test_bus);
    qemu_free_irq(intr);
    bql_unlock();
    return tap_done();
}
