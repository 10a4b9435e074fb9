/*
 * NS16550A UART (the PC's COM ports), on the ISA bus.
 *
 * Modelled, from the National Semiconductor PC16550D datasheet: RBR/THR,
 * IER, IIR (with the FIFO-enabled bits), FCR (enable, clear, receiver
 * trigger level 1/4/8/14), LCR (DLAB, word length, stop bits, parity and
 * break bits stored), MCR, LSR, MSR (with delta bits), SCR, the divisor
 * latch, a 16-byte receive FIFO (a one-byte holding register when FIFOs
 * are off) with overrun, the interrupt sources in their priority order
 * (line status, received data / character timeout, THR empty, modem
 * status) and their clearing rules, the character timeout (four
 * character times from the baud rate and frame on the virtual clock),
 * loopback mode (transmitter to receiver, DTR/RTS/OUT1/OUT2 to
 * DSR/CTS/RI/DCD), and a break from the host (CHR_EVENT_BREAK).
 *
 * Simplifications: transmission is immediate: a byte written to THR goes
 * to the chardev at once and THR/TSR are empty again right away (THRE and
 * TEMT stay set; a THRE interrupt follows every write). Input arrives as
 * fast as the host supplies it, throttled by the FIFO space (so it never
 * overruns; only loopback can). Parity/framing errors never happen. The
 * interrupt output is not gated by OUT2 (as on most emulated PCs); the
 * modem inputs outside loopback read CTS, DSR and DCD asserted.
 */
#include "hw/char/serial.h"

#include <errno.h>
#include <stdlib.h>

#include "chardev/char-fe.h"
#include "hw/core/qdev-properties.h"
#include "hw/core/qdev-properties.h"
#include "migration/vmstate.h"
#include "util/log.h"
#include "util/timer.h"

#define UART_FIFO_SIZE 16
#define UART_CLOCK_HZ  1843200 /* the 1.8432 MHz crystal: baud = 115200 / divisor */

#define IER_RDI  0x01 /* received data available */
#define IER_THRI 0x02 /* THR empty */
#define IER_RLSI 0x04 /* receiver line status */
#define IER_MSI  0x08 /* modem status */

#define IIR_NO_INT 0x01
#define IIR_MSI    0x00
#define IIR_THRI   0x02
#define IIR_RDI    0x04
#define IIR_RLSI   0x06
#define IIR_CTI    0x0c
#define IIR_FIFO   0xc0

#define FCR_ENABLE   0x01
#define FCR_CLEAR_RX 0x02
#define FCR_CLEAR_TX 0x04

#define LCR_DLAB 0x80

#define MCR_DTR  0x01
#define MCR_RTS  0x02
#define MCR_OUT1 0x04
#define MCR_OUT2 0x08
#define MCR_LOOP 0x10

#define LSR_DR       0x01
#define LSR_OE       0x02
#define LSR_PE       0x04
#define LSR_FE       0x08
#define LSR_BI       0x10
#define LSR_THRE     0x20
#define LSR_TEMT     0x40
#define LSR_FIFO_ERR 0x80
#define LSR_INT_ANY  (LSR_OE | LSR_PE | LSR_FE | LSR_BI)

#define MSR_DCTS 0x01
#define MSR_DDSR 0x02
#define MSR_TERI 0x04
#define MSR_DDCD 0x08
#define MSR_CTS  0x10
#define MSR_DSR  0x20
#define MSR_RI   0x40
#define MSR_DCD  0x80

typedef struct SerialState {
    ISADevice parent;
    int32_t index;
    int32_t iobase;
    int32_t isairq;
    CharBackend chr;

    MemoryRegion io;
    qemu_irq irq;
    QEMUTimer *timeout_timer;

    uint16_t divider;
    uint8_t ier;
    uint8_t fcr;
    uint8_t lcr;
    uint8_t mcr;
    uint8_t lsr;
    uint8_t msr;
    uint8_t scr;
    uint8_t rx_fifo[UART_FIFO_SIZE];
    uint8_t rx_head; /* index of the oldest byte */
    uint8_t rx_count;
    uint8_t thr_ipending;
    uint8_t timeout_ipending;
    uint8_t irq_level;
} SerialState;

#define ISA_SERIAL(dev) QDEV_CHECK(SerialState, dev, TYPE_ISA_SERIAL)

static const uint16_t isa_serial_iobase[MAX_ISA_SERIAL_PORTS] = { 0x3f8, 0x2f8, 0x3e8, 0x2e8 };
static const uint8_t isa_serial_irq[MAX_ISA_SERIAL_PORTS] = { 4, 3, 4, 3 };

static bool serial_fifo_enabled(SerialState *s)
{
    return s->fcr & FCR_ENABLE;
}

static int serial_rx_trigger(SerialState *s)
{
    static const uint8_t levels[4] = { 1, 4, 8, 14 };

    return levels[s->fcr >> 6];
}

/* Bits in a frame: start + data + parity + stop. */
static int serial_frame_bits(SerialState *s)
{
    int data = 5 + (s->lcr & 3);
    int stop = (s->lcr & 0x04) ? 2 : 1; /* 1.5 for 5-bit words: rounded up */

    return 1 + data + ((s->lcr & 0x08) ? 1 : 0) + stop;
}

static int64_t serial_char_time_ns(SerialState *s)
{
    uint32_t div = s->divider ? s->divider : 0x10000; /* 0 divides by 65536 */

    return (int64_t)serial_frame_bits(s) * div * 16 * NANOSECONDS_PER_SECOND / UART_CLOCK_HZ;
}

static uint8_t serial_iir(SerialState *s)
{
    uint8_t id;

    if ((s->ier & IER_RLSI) && (s->lsr & LSR_INT_ANY)) {
        id = IIR_RLSI;
    } else if ((s->ier & IER_RDI) &&
               (serial_fifo_enabled(s) ? s->rx_count >= serial_rx_trigger(s) : s->rx_count)) {
        id = IIR_RDI;
    } else if ((s->ier & IER_RDI) && s->timeout_ipending) {
        id = IIR_CTI;
    } else if ((s->ier & IER_THRI) && s->thr_ipending) {
        id = IIR_THRI;
    } else if ((s->ier & IER_MSI) && (s->msr & 0x0f)) {
        id = IIR_MSI;
    } else {
        id = IIR_NO_INT;
    }
    return id | (serial_fifo_enabled(s) ? IIR_FIFO : 0);
}

static void serial_update_irq(SerialState *s)
{
    uint8_t level = !(serial_iir(s) & IIR_NO_INT);

    if (level != s->irq_level) {
        s->irq_level = level;
        qemu_set_irq(s->irq, level);
    }
}

/* ---- receiver ---- */

static void serial_rx_clear(SerialState *s)
{
    s->rx_head = 0;
    s->rx_count = 0;
    s->lsr &= ~(LSR_DR | LSR_FIFO_ERR);
    s->timeout_ipending = 0;
    timer_del(s->timeout_timer);
}

/* Restart the character-timeout countdown (FIFO mode, data waiting). */
static void serial_rearm_timeout(SerialState *s)
{
    if (serial_fifo_enabled(s) && s->rx_count) {
        timer_mod_ns(s->timeout_timer,
                     qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) + 4 * serial_char_time_ns(s));
    } else {
        timer_del(s->timeout_timer);
    }
}

static void serial_timeout_cb(void *opaque)
{
    SerialState *s = opaque;

    if (serial_fifo_enabled(s) && s->rx_count) {
        s->timeout_ipending = 1;
        serial_update_irq(s);
    }
}

/* A character completed in the receive shift register. */
static void serial_receive_byte(SerialState *s, uint8_t ch)
{
    int cap = serial_fifo_enabled(s) ? UART_FIFO_SIZE : 1;

    if (s->rx_count >= cap) {
        if (serial_fifo_enabled(s)) {
            /* the FIFO keeps its bytes; the new one is lost */
            s->lsr |= LSR_OE;
        } else {
            /* the holding register is overwritten */
            s->rx_fifo[s->rx_head] = ch;
            s->lsr |= LSR_OE;
        }
    } else {
        s->rx_fifo[(s->rx_head + s->rx_count) % UART_FIFO_SIZE] = ch;
        s->rx_count++;
    }
    s->lsr |= LSR_DR;
    s->timeout_ipending = 0;
    serial_rearm_timeout(s);
}

static uint8_t serial_read_rbr(SerialState *s)
{
    uint8_t ch = 0;

    if (s->rx_count) {
        ch = s->rx_fifo[s->rx_head];
        s->rx_head = (s->rx_head + 1) % UART_FIFO_SIZE;
        s->rx_count--;
    }
    if (!s->rx_count) {
        s->lsr &= ~(LSR_DR | LSR_FIFO_ERR);
    }
    s->timeout_ipending = 0;
    serial_rearm_timeout(s);
    serial_update_irq(s);
    if (!(s->mcr & MCR_LOOP)) {
        qemu_chr_fe_accept_input(&s->chr);
    }
    return ch;
}

static int serial_can_receive(void *opaque)
{
    SerialState *s = opaque;

    if (s->mcr & MCR_LOOP) {
        /* the receiver listens to the transmitter only */
        return 0;
    }
    return (serial_fifo_enabled(s) ? UART_FIFO_SIZE : 1) - s->rx_count;
}

static void serial_receive(void *opaque, const uint8_t *buf, int size)
{
    SerialState *s = opaque;

    for (int i = 0; i < size; i++) {
        serial_receive_byte(s, buf[i]);
    }
    serial_update_irq(s);
}

static void serial_event(void *opaque, QEMUChrEvent event)
{
    SerialState *s = opaque;

    if (event == CHR_EVENT_BREAK && !(s->mcr & MCR_LOOP)) {
        /* a break arrives as a zero character with BI */
        serial_receive_byte(s, 0);
        s->lsr |= LSR_BI | (serial_fifo_enabled(s) ? LSR_FIFO_ERR : 0);
        serial_update_irq(s);
    }
}

/* ---- transmitter ---- */

static void serial_write_thr(SerialState *s, uint8_t ch)
{
    if (s->mcr & MCR_LOOP) {
        serial_receive_byte(s, ch);
    } else if (qemu_chr_fe_backend_connected(&s->chr)) {
        /* blocking until the backend took it: transmission is immediate */
        qemu_chr_fe_write_all(&s->chr, &ch, 1);
    }
    /* THR and the shift register are empty again */
    s->lsr |= LSR_THRE | LSR_TEMT;
    s->thr_ipending = 1;
    serial_update_irq(s);
}

/* ---- modem control ---- */

/* The modem inputs as the MCR (loopback) or the outside world drive them. */
static uint8_t serial_modem_inputs(SerialState *s)
{
    uint8_t m = s->mcr;

    if (!(m & MCR_LOOP)) {
        return MSR_CTS | MSR_DSR | MSR_DCD;
    }
    return ((m & MCR_RTS) ? MSR_CTS : 0) | ((m & MCR_DTR) ? MSR_DSR : 0) |
           ((m & MCR_OUT1) ? MSR_RI : 0) | ((m & MCR_OUT2) ? MSR_DCD : 0);
}

static void serial_update_msr(SerialState *s)
{
    uint8_t now = serial_modem_inputs(s);
    uint8_t old = s->msr & 0xf0;
    uint8_t delta = 0;

    if ((now ^ old) & MSR_CTS) {
        delta |= MSR_DCTS;
    }
    if ((now ^ old) & MSR_DSR) {
        delta |= MSR_DDSR;
    }
    if ((old & MSR_RI) && !(now & MSR_RI)) {
        delta |= MSR_TERI; /* trailing edge only */
    }
    if ((now ^ old) & MSR_DCD) {
        delta |= MSR_DDCD;
    }
    s->msr = now | (s->msr & 0x0f) | delta;
}

/* ---- registers ---- */

static void serial_write_fcr(SerialState *s, uint8_t val)
{
    if ((val ^ s->fcr) & FCR_ENABLE) {
        /* switching FIFO mode clears both FIFOs */
        val |= FCR_CLEAR_RX | FCR_CLEAR_TX;
    }
    if (val & FCR_CLEAR_RX) {
        serial_rx_clear(s);
        if (!(s->mcr & MCR_LOOP)) {
            qemu_chr_fe_accept_input(&s->chr);
        }
    }
    /* the transmit FIFO is always empty: nothing to clear */
    s->fcr = val & 0xc9; /* enable, DMA mode, trigger level */
    serial_rearm_timeout(s);
}

static void serial_io_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    SerialState *s = opaque;
    uint8_t val = data;

    switch (addr) {
    case 0:
        if (s->lcr & LCR_DLAB) {
            s->divider = (s->divider & 0xff00) | val;
            return;
        }
        serial_write_thr(s, val);
        return;
    case 1:
        if (s->lcr & LCR_DLAB) {
            s->divider = (s->divider & 0x00ff) | val << 8;
            return;
        }
        if ((val & IER_THRI) && !(s->ier & IER_THRI) && (s->lsr & LSR_THRE)) {
            /* enabling the THRE interrupt with THR empty raises it */
            s->thr_ipending = 1;
        }
        s->ier = val & 0x0f;
        break;
    case 2:
        serial_write_fcr(s, val);
        break;
    case 3:
        s->lcr = val;
        break;
    case 4: {
        bool loop_changed = (val ^ s->mcr) & MCR_LOOP;

        s->mcr = val & 0x1f;
        serial_update_msr(s);
        if (loop_changed && !(s->mcr & MCR_LOOP)) {
            qemu_chr_fe_accept_input(&s->chr);
        }
        break;
    }
    case 5:
        /* LSR is read-only (a factory test register on the real part) */
        log_mask_printf(LOG_GUEST_ERROR, "serial %#x: write %#x to LSR ignored\n", s->iobase, val);
        return;
    case 6:
        log_mask_printf(LOG_GUEST_ERROR, "serial %#x: write %#x to MSR ignored\n", s->iobase, val);
        return;
    case 7:
        s->scr = val;
        return;
    }
    serial_update_irq(s);
}

static uint64_t serial_io_read(void *opaque, hwaddr addr, unsigned size)
{
    SerialState *s = opaque;
    uint8_t v;

    switch (addr) {
    case 0:
        if (s->lcr & LCR_DLAB) {
            return s->divider & 0xff;
        }
        return serial_read_rbr(s);
    case 1:
        if (s->lcr & LCR_DLAB) {
            return s->divider >> 8;
        }
        return s->ier;
    case 2:
        v = serial_iir(s);
        if ((v & 0x0f) == IIR_THRI) {
            /* reading IIR with THRE as the source clears it */
            s->thr_ipending = 0;
            serial_update_irq(s);
        }
        return v;
    case 3:
        return s->lcr;
    case 4:
        return s->mcr;
    case 5:
        v = s->lsr;
        s->lsr &= ~(LSR_INT_ANY | LSR_FIFO_ERR);
        serial_update_irq(s);
        return v;
    case 6:
        v = s->msr;
        s->msr &= 0xf0;
        serial_update_irq(s);
        return v;
    default:
        return s->scr;
    }
}

static const MemoryRegionOps serial_io_ops = {
    .read = serial_io_read,
    .write = serial_io_write,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

/* ---- device ---- */

static void count_serial(DeviceState *dev, void *opaque)
{
    if (dev->realized && qdev_is_a(dev, TYPE_ISA_SERIAL)) {
        (*(int *)opaque)++;
    }
}

static bool serial_realize(DeviceState *dev, Error **errp)
{
    SerialState *s = ISA_SERIAL(dev);

    if (s->index < 0) {
        int n = 0;

        qdev_foreach(count_serial, &n);
        s->index = n;
    }
    if (s->index >= MAX_ISA_SERIAL_PORTS && (s->iobase < 0 || s->isairq < 0)) {
        error_setg(errp, "isa-serial: index %d: only %d standard ports, give iobase and irq",
                   s->index, MAX_ISA_SERIAL_PORTS);
        return false;
    }
    if (s->iobase < 0) {
        s->iobase = isa_serial_iobase[s->index];
    }
    if (s->isairq < 0) {
        s->isairq = isa_serial_irq[s->index];
    }
    if (s->iobase > 0xfff8 || s->isairq >= ISA_NUM_IRQS) {
        error_setg(errp, "isa-serial: iobase %#x or irq %d out of range", s->iobase, s->isairq);
        return false;
    }
    s->irq = isa_get_irq(&s->parent, s->isairq);
    s->timeout_timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, serial_timeout_cb, s);
    s->divider = 12; /* 9600 baud until the firmware sets it */
    memory_region_init_io(&s->io, s, &serial_io_ops, s, "serial", 8);
    isa_register_ioport(&s->parent, &s->io, s->iobase);
    qemu_chr_fe_set_handlers(&s->chr, serial_can_receive, serial_receive, serial_event, s);
    return true;
}

static void serial_unrealize(DeviceState *dev)
{
    SerialState *s = ISA_SERIAL(dev);

    qemu_chr_fe_set_handlers(&s->chr, NULL, NULL, NULL, NULL);
    isa_unregister_ioports(&s->parent);
    memory_region_finalize(&s->io);
    timer_free(s->timeout_timer);
    s->timeout_timer = NULL;
}

static void serial_reset(DeviceState *dev)
{
    SerialState *s = ISA_SERIAL(dev);

    /* master reset: everything but the divisor latch, RBR and SCR */
    s->ier = 0;
    s->fcr = 0;
    s->lcr = 0;
    s->mcr = 0;
    serial_rx_clear(s);
    s->lsr = LSR_THRE | LSR_TEMT;
    s->msr = serial_modem_inputs(s);
    s->thr_ipending = 0;
    serial_update_irq(s);
    qemu_chr_fe_accept_input(&s->chr);
}

static int serial_post_load(void *opaque, int version_id)
{
    SerialState *s = opaque;

    if (s->rx_head >= UART_FIFO_SIZE || s->rx_count > UART_FIFO_SIZE) {
        return -EINVAL;
    }
    qemu_set_irq(s->irq, s->irq_level);
    return 0;
}

static const VMStateField serial_fields[] = {
    VMSTATE_UINT16(divider, SerialState),
    VMSTATE_UINT8(ier, SerialState),
    VMSTATE_UINT8(fcr, SerialState),
    VMSTATE_UINT8(lcr, SerialState),
    VMSTATE_UINT8(mcr, SerialState),
    VMSTATE_UINT8(lsr, SerialState),
    VMSTATE_UINT8(msr, SerialState),
    VMSTATE_UINT8(scr, SerialState),
    VMSTATE_UINT8_ARRAY(rx_fifo, SerialState, UART_FIFO_SIZE),
    VMSTATE_UINT8(rx_head, SerialState),
    VMSTATE_UINT8(rx_count, SerialState),
    VMSTATE_UINT8(thr_ipending, SerialState),
    VMSTATE_UINT8(timeout_ipending, SerialState),
    VMSTATE_UINT8(irq_level, SerialState),
    VMSTATE_TIMER_PTR(timeout_timer, SerialState),
    VMSTATE_END_OF_LIST(),
};

static const VMStateDescription vmstate_serial = {
    .name = "serial",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = serial_fields,
    .post_load = serial_post_load,
};

static const Property serial_props[] = {
    DEFINE_PROP_INT32("index", SerialState, index, -1),
    DEFINE_PROP_INT32("iobase", SerialState, iobase, -1),
    DEFINE_PROP_INT32("irq", SerialState, isairq, -1),
    DEFINE_PROP_CHR("chardev", SerialState, chr),
    DEFINE_PROP_END_OF_LIST(),
};

static const DeviceTypeInfo serial_info = {
    .name = TYPE_ISA_SERIAL,
    .parent = TYPE_ISA_DEVICE,
    .instance_size = sizeof(SerialState),
    .desc = "16550A UART (COM port)",
    .category = DEVICE_CATEGORY_MISC,
    .user_creatable = true,
    .props = serial_props,
    .vmsd = &vmstate_serial,
    .realize = serial_realize,
    .unrealize = serial_unrealize,
    .reset = serial_reset,
};
DEVICE_TYPE(serial_info)

ISADevice *serial_isa_create(ISABus *bus, int index, Chardev *chr)
{
    ISADevice *dev = isa_new(TYPE_ISA_SERIAL, &error_abort);

    qdev_prop_set_int32(DEVICE(dev), "index", index);
    if (chr) {
        qdev_prop_set_chr(DEVICE(dev), "chardev", chr);
    }
    isa_realize(dev, bus, &error_abort);
    return dev;
}
