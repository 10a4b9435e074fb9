/*
 * The 16550A UART through its ports, with a test chardev backend that
 * records what the UART transmits and feeds it input: reset values, the
 * divisor latch, transmission, THRE/RDA/character-timeout/line-status/
 * modem-status interrupts and their priority and clearing, FIFO trigger
 * levels and flow control towards the backend, loopback (data and modem
 * lines), overrun, a host break, the standard COM2 address and IRQ, and a
 * vmstate round trip with bytes waiting in the receive FIFO.
 */
#include <string.h>

#include "chardev/char-fe.h"
#include "chardev/char.h"
#include "hw/char/serial.h"
#include "isa-test.h"
#include "tap.h"

#define COM1 0x3f8
#define US   1000LL

/* ---- a backend that records output ---- */

static char tx_buf[4096];
static int tx_len;

static bool testbuf_open(Chardev *chr, ChardevOpts *opts, bool *be_opened, Error **errp)
{
    return true;
}

static int testbuf_write(Chardev *chr, const uint8_t *buf, int len)
{
    if (len > (int)sizeof(tx_buf) - tx_len) {
        len = (int)sizeof(tx_buf) - tx_len;
    }
    memcpy(tx_buf + tx_len, buf, len);
    tx_len += len;
    return len;
}

static const ChardevClass testbuf_class = {
    .name = "testbuf",
    .instance_size = sizeof(Chardev),
    .open = testbuf_open,
    .chr_write = testbuf_write,
};

static Chardev *chr;

/* Feed bytes as the backend would: no more than the UART accepts. */
static int feed(const char *s)
{
    int len = strlen(s), room = qemu_chr_be_can_write(chr);

    if (len > room) {
        len = room;
    }
    qemu_chr_be_write(chr, (const uint8_t *)s, len);
    return len;
}

static uint8_t iir(void)
{
    return inb(COM1 + 2);
}

static void test_reset_values(void)
{
    tap_ok(inb(COM1 + 5) == 0x60, "LSR after reset: THRE | TEMT");
    tap_ok(iir() == 0x01, "IIR after reset: no interrupt");
    tap_ok(inb(COM1 + 6) == 0xb0, "MSR: CTS, DSR, DCD asserted by the host side");
    tap_ok(inb(COM1 + 1) == 0 && inb(COM1 + 3) == 0 && inb(COM1 + 4) == 0, "IER/LCR/MCR zero");
    outb(COM1 + 7, 0x5a);
    tap_ok(inb(COM1 + 7) == 0x5a, "scratch register");
}

static void test_divisor_tx(void)
{
    outb(COM1 + 3, 0x80);
    outb(COM1 + 0, 0x01);
    outb(COM1 + 1, 0x00);
    tap_ok(inb(COM1 + 0) == 1 && inb(COM1 + 1) == 0, "divisor latch reads back (115200 baud)");
    outb(COM1 + 3, 0x03); /* 8N1 */
    tap_ok(inb(COM1 + 1) == 0, "DLAB off: offset 1 is IER again");
    tx_len = 0;
    outb(COM1, 'H');
    outb(COM1, 'i');
    tap_ok(tx_len == 2 && !memcmp(tx_buf, "Hi", 2), "THR bytes reach the chardev");
    tap_ok((inb(COM1 + 5) & 0x60) == 0x60, "THRE and TEMT after transmitting");
}

static void test_thre_irq(void)
{
    outb(COM1 + 1, 0x02);
    tap_ok(isa_test_irq_level[4], "enabling ETBEI with THR empty raises IRQ 4");
    tap_ok(iir() == 0x02, "IIR: THR empty");
    tap_ok(!isa_test_irq_level[4] && iir() == 0x01, "reading IIR cleared the THRE interrupt");
    outb(COM1, 'x');
    tap_ok(isa_test_irq_level[4] && iir() == 0x02, "writing THR: THRE interrupt again");
    outb(COM1 + 1, 0x00);
    tap_ok(!isa_test_irq_level[4], "IER 0 lowers IRQ 4");
}

static void test_rx_no_fifo(void)
{
    tap_ok(qemu_chr_be_can_write(chr) == 1, "no FIFO: the UART takes one byte");
    feed("A");
    tap_ok(inb(COM1 + 5) & 0x01, "LSR DR after a byte arrives");
    tap_ok(qemu_chr_be_can_write(chr) == 0, "holding register full: backend throttled");
    outb(COM1 + 1, 0x01);
    tap_ok(isa_test_irq_level[4] && iir() == 0x04, "received-data interrupt");
    tap_ok(inb(COM1) == 'A', "RBR has the byte");
    tap_ok(!isa_test_irq_level[4] && !(inb(COM1 + 5) & 0x01), "reading RBR clears DR and the IRQ");
    outb(COM1 + 1, 0x00);
}

static void test_fifo(void)
{
    char got[17] = { 0 };
    int n;

    outb(COM1 + 2, 0xc7); /* enable, clear both, trigger 14 */
    tap_ok((iir() & 0xc0) == 0xc0, "IIR shows FIFOs enabled");
    tap_ok(qemu_chr_be_can_write(chr) == 16, "FIFO: room for 16");
    outb(COM1 + 1, 0x01);
    feed("hello");
    tap_ok(!isa_test_irq_level[4], "5 bytes, below trigger 14: no interrupt yet");
    /* 8N1 at 115200 baud: 86.8 us per character, timeout after four */
    clock_step(300 * US);
    tap_ok(!isa_test_irq_level[4], "no character timeout after 300 us");
    clock_step(60 * US);
    tap_ok(isa_test_irq_level[4] && iir() == 0xcc, "character timeout after 4 char times");
    got[0] = inb(COM1);
    tap_ok(!isa_test_irq_level[4], "reading RBR clears the timeout");
    for (n = 1; inb(COM1 + 5) & 1; n++) {
        got[n] = inb(COM1);
    }
    tap_ok(n == 5 && !strcmp(got, "hello"), "FIFO order kept (%s)", got);

    n = feed("0123456789abcdefXYZ");
    tap_ok(n == 16, "backend flow control: 16 of 19 bytes taken");
    tap_ok(isa_test_irq_level[4] && iir() == 0xc4,
           "at the trigger level: data-available interrupt");
    for (n = 0; n < 3; n++) {
        inb(COM1);
    }
    tap_ok(iir() == 0xc1, "below the trigger (13 left): no data interrupt");
    tap_ok(qemu_chr_be_can_write(chr) == 3, "room for 3 again");
    outb(COM1 + 2, 0x47); /* trigger 4, clear */
    tap_ok(!(inb(COM1 + 5) & 1) && qemu_chr_be_can_write(chr) == 16, "FCR clears the RX FIFO");
    feed("abcd");
    tap_ok(iir() == 0xc4, "trigger level 4");
    outb(COM1 + 2, 0x00); /* FIFOs off: cleared */
    tap_ok(iir() == 0x01 && !(inb(COM1 + 5) & 1), "disabling the FIFO clears it");
    outb(COM1 + 1, 0x00);
}

static void test_loopback(void)
{
    uint8_t msr;

    outb(COM1 + 4, 0x10); /* loop, all outputs off */
    msr = inb(COM1 + 6);
    tap_ok(msr == 0x0b, "loop: CTS/DSR/DCD drop, with deltas (%#x)", msr);
    tx_len = 0;
    tap_ok(qemu_chr_be_can_write(chr) == 0, "loop: the chardev's input is cut off");
    outb(COM1, 'L');
    tap_ok(tx_len == 0, "loop: nothing sent to the chardev");
    tap_ok((inb(COM1 + 5) & 1) && inb(COM1) == 'L', "loop: transmitted byte received");
    outb(COM1 + 4, 0x1f);
    tap_ok(inb(COM1 + 6) == 0xfb, "loop: RTS/DTR/OUT1/OUT2 -> CTS/DSR/RI/DCD with deltas");
    outb(COM1 + 4, 0x1b); /* OUT1 off: RI trailing edge */
    tap_ok(inb(COM1 + 6) == 0xb4, "loop: TERI on RI's trailing edge");
    outb(COM1 + 1, 0x08);
    outb(COM1 + 4, 0x19); /* RTS off */
    tap_ok(isa_test_irq_level[4] && iir() == 0x00, "modem-status interrupt on DCTS");
    inb(COM1 + 6);
    tap_ok(!isa_test_irq_level[4], "reading MSR clears it");

    /* overrun in 16450 mode, and interrupt priority */
    outb(COM1 + 1, 0x0f);
    outb(COM1, '1');
    tap_ok(iir() == 0x04, "data available");
    outb(COM1, '2');
    tap_ok(iir() == 0x06, "overrun: line status beats data available");
    tap_ok(inb(COM1 + 5) & 0x02, "LSR OE");
    tap_ok(iir() == 0x04, "LSR read cleared OE; data available next");
    tap_ok(inb(COM1) == '2', "the overrun byte replaced the old one");
    tap_ok(iir() == 0x02, "then THR empty");
    tap_ok(iir() == 0x01, "reading IIR cleared THRE");
    outb(COM1 + 1, 0x00);
    outb(COM1 + 4, 0x00);
    inb(COM1 + 6);
    tap_ok(qemu_chr_be_can_write(chr) == 1, "loop off: input accepted again");
}

static void test_break(void)
{
    outb(COM1 + 1, 0x04);
    qemu_chr_be_event(chr, CHR_EVENT_BREAK);
    tap_ok(isa_test_irq_level[4] && iir() == 0x06, "host break: line status interrupt");
    tap_ok((inb(COM1 + 5) & 0x11) == 0x11, "LSR BI and DR");
    tap_ok(inb(COM1) == 0 && !isa_test_irq_level[4], "break reads as a zero byte");
    outb(COM1 + 1, 0x00);
}

static void test_com2(void)
{
    outb(0x2f8 + 7, 0xa5);
    tap_ok(inb(0x2f8 + 7) == 0xa5 && inb(COM1 + 7) == 0x5a, "COM2 at 0x2f8, separate from COM1");
    outb(0x2f8 + 1, 0x02);
    tap_ok(isa_test_irq_level[3] && !isa_test_irq_level[4], "COM2 interrupts on IRQ 3");
    outb(0x2f8 + 1, 0x00);
    tx_len = 0;
    outb(0x2f8, 'z');
    tap_ok(tx_len == 0, "COM2 without a chardev drops output");
}

static void test_vmstate(void)
{
    DeviceState *dev = isa_test_find(TYPE_ISA_SERIAL, 0);
    VMStateBuffer buf;
    char got[4] = { 0 };

    outb(COM1 + 2, 0x81); /* FIFO, trigger 8 */
    outb(COM1 + 3, 0x1b);
    feed("abc");
    outb(COM1 + 1, 0x01);
    tap_ok(isa_test_save(dev, &buf), "vmstate: saved");
    qdev_reset_all_devices();
    tap_ok(!(inb(COM1 + 5) & 1) && inb(COM1 + 3) == 0, "vmstate: reset emptied the FIFO");
    tap_ok(isa_test_load(dev, &buf), "vmstate: loaded");
    tap_ok(inb(COM1 + 3) == 0x1b && inb(COM1 + 1) == 0x01 && (iir() & 0xc0) == 0xc0,
           "vmstate: LCR, IER, FCR restored");
    tap_ok(qemu_chr_be_can_write(chr) == 13, "vmstate: 3 bytes in the FIFO");
    clock_step(1000 * US);
    tap_ok(isa_test_irq_level[4] && iir() == 0xcc, "vmstate: the timeout still fires");
    for (int i = 0; i < 3; i++) {
        got[i] = inb(COM1);
    }
    tap_ok(!strcmp(got, "abc"), "vmstate: FIFO contents (%s)", got);
    vmstate_buffer_free(&buf);
}

int main(void)
{
    Error *err = NULL;

    isa_test_init(true);
    qemu_chr_register_class(&testbuf_class);
    chr = qemu_chr_new_from_opts("testbuf,id=com1", &err);
    if (!chr) {
        error_report_err(err);
        return 1;
    }
    serial_isa_create(isa_test_bus, 0, chr);
    serial_isa_create(isa_test_bus, -1, NULL);
    qdev_reset_all_devices();

    test_reset_values();
    test_divisor_tx();
    test_thre_irq();
    test_rx_no_fifo();
    test_fifo();
    test_loopback();
    test_break();
    test_com2();
    test_vmstate();

    isa_test_finish();
    return tap_done();
}
