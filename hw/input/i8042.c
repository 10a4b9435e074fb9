/*
 * The i8042 (8042-compatible) keyboard controller of the PC, with a PS/2
 * keyboard and mouse behind it.
 *
 * Modelled, from the IBM PC AT / PS/2 keyboard controller documentation:
 * the data port 60h (output buffer; host data to the keyboard or a
 * command parameter) and the status/command port 64h. Status: output
 * buffer full, input buffer full (always clear: writes are handled at
 * once), system flag, command/data, keyboard not inhibited, aux output
 * buffer full. The command byte (interrupt enables, system flag, keyboard
 * and aux disable, scancode translation). Commands: read/write the
 * command byte and the other internal RAM bytes (20h-3Fh, 60h-7Fh),
 * disable/enable/test the aux and keyboard interfaces (A7h-A9h, ABh,
 * ADh, AEh), self-test (AAh -> 55h), read input port (C0h), read/write
 * output port (D0h/D1h: bit 0 system reset, bit 1 A20), write the
 * keyboard/aux output buffer (D2h/D3h), write to the aux device (D4h),
 * A20 off/on (DDh/DFh), read test inputs (E0h), pulse output port
 * (F0h-FFh; FEh resets the system). Scancode translation (set 2 -> set 1,
 * with F0h break prefixes folded into bit 7) when the command byte asks
 * for it. IRQ 1 when keyboard data is in the output buffer, IRQ 12 for
 * aux data, each gated by its command byte enable.
 *
 * Outputs: the A20 gate (gpio "a20", level) and the system reset (gpio
 * "reset", pulsed).
 *
 * Not modelled: timing (bytes move to the output buffer as soon as it is
 * empty), the password and keylock features, parity/timeout errors.
 *
 * The command byte resets to 45h (translation, system flag, keyboard
 * interrupt) as a BIOS leaves it, since the PC can boot Linux without one.
 */
#include "hw/input/i8042.h"

#include <string.h>

#include "hw/core/qdev-properties.h"
#include "util/log.h"

#define STAT_OBF      0x01
#define STAT_IBF      0x02
#define STAT_SYS      0x04
#define STAT_CMD      0x08 /* the last write was to port 64h */
#define STAT_UNLOCKED 0x10
#define STAT_AUX_OBF  0x20

#define MODE_KBD_INT 0x01
#define MODE_AUX_INT 0x02
#define MODE_SYS     0x04
#define MODE_DIS_KBD 0x10
#define MODE_DIS_AUX 0x20
#define MODE_XLAT    0x40

#define OUT_RESET   0x01 /* active low */
#define OUT_A20     0x02
#define OUT_OBF     0x10
#define OUT_AUX_OBF 0x20

#define I8042_RAM_SIZE 32

typedef struct I8042State {
    ISADevice parent;
    MemoryRegion data_io;
    MemoryRegion cmd_io;
    qemu_irq irq_kbd, irq_aux;
    qemu_irq a20_out;
    qemu_irq reset_out;

    uint8_t status;
    uint8_t ram[I8042_RAM_SIZE]; /* ram[0] is the command byte */
    uint8_t outport;
    uint8_t obdata;        /* the output buffer */
    int32_t pending_cmd;   /* controller command waiting for its data byte, -1 none */
    uint8_t ctrl_queue[4]; /* controller replies, ahead of device data */
    uint32_t ctrl_count;
    bool ctrl_aux;   /* the queued replies count as aux data (D3h) */
    bool xlat_break; /* translation saw F0h */
    PS2KbdState kbd;
    PS2MouseState mouse;
} I8042State;

#define I8042(dev) QDEV_CHECK(I8042State, dev, TYPE_I8042)

/* The set 1 code the controller sends for each set 2 byte. */
static uint8_t i8042_translate(uint8_t b)
{
    static uint8_t table[256];
    static bool ready;

    if (!ready) {
        /* the inverse of the keyboard's set 1 -> set 2 map */
        for (int i = 0; i < 256; i++) {
            table[i] = (uint8_t)i; /* ACK, BAT, E0, E1, ... pass unchanged */
        }
        for (int i = 1; i < 128; i++) {
            if (ps2_set1_to_set2[i]) {
                table[ps2_set1_to_set2[i]] = (uint8_t)i;
            }
        }
        ready = true;
    }
    return table[b];
}

static void i8042_update_irq(I8042State *s)
{
    bool obf = s->status & STAT_OBF;
    bool aux = s->status & STAT_AUX_OBF;

    s->outport &= ~(OUT_OBF | OUT_AUX_OBF);
    if (obf) {
        s->outport |= aux ? OUT_AUX_OBF : OUT_OBF;
    }
    qemu_set_irq(s->irq_kbd, obf && !aux && (s->ram[0] & MODE_KBD_INT));
    qemu_set_irq(s->irq_aux, obf && aux && (s->ram[0] & MODE_AUX_INT));
}

static void i8042_set_ob(I8042State *s, uint8_t b, bool aux)
{
    s->obdata = b;
    s->status |= STAT_OBF;
    if (aux) {
        s->status |= STAT_AUX_OBF;
    } else {
        s->status &= ~STAT_AUX_OBF;
    }
}

/* Refill the output buffer if it is empty: controller replies first, then
 * the keyboard, then the mouse (each only while its interface is on). */
static void i8042_update(void *opaque)
{
    I8042State *s = opaque;

    while (!(s->status & STAT_OBF)) {
        if (s->ctrl_count) {
            uint8_t b = s->ctrl_queue[0];

            memmove(s->ctrl_queue, s->ctrl_queue + 1, sizeof(s->ctrl_queue) - 1);
            s->ctrl_count--;
            i8042_set_ob(s, b, s->ctrl_aux);
        } else if (!(s->ram[0] & MODE_DIS_KBD) && !ps2_queue_empty(&s->kbd.common)) {
            uint8_t b = ps2_read_data(&s->kbd.common);

            if (s->ram[0] & MODE_XLAT) {
                if (b == 0xf0) {
                    s->xlat_break = true;
                    continue; /* folded into the next byte */
                }
                b = i8042_translate(b);
                if (s->xlat_break) {
                    b |= 0x80;
                    s->xlat_break = false;
                }
            }
            i8042_set_ob(s, b, false);
        } else if (!(s->ram[0] & MODE_DIS_AUX) && !ps2_queue_empty(&s->mouse.common)) {
            i8042_set_ob(s, ps2_read_data(&s->mouse.common), true);
        } else {
            break;
        }
    }
    i8042_update_irq(s);
}

/* A byte the controller itself returns (command results). */
static void i8042_reply(I8042State *s, uint8_t b, bool aux)
{
    if (s->ctrl_count < sizeof(s->ctrl_queue)) {
        s->ctrl_queue[s->ctrl_count++] = b;
        s->ctrl_aux = aux;
    }
    i8042_update(s);
}

static void i8042_write_outport(I8042State *s, uint8_t val)
{
    s->outport = val;
    qemu_set_irq(s->a20_out, (val & OUT_A20) != 0);
    if (!(val & OUT_RESET)) {
        qemu_irq_pulse(s->reset_out);
        s->outport |= OUT_RESET; /* the line returns high after the pulse */
    }
}

static uint64_t i8042_data_read(void *opaque, hwaddr addr, unsigned size)
{
    I8042State *s = opaque;
    uint8_t b = s->obdata;

    s->status &= ~(STAT_OBF | STAT_AUX_OBF);
    /* the line drops before the next byte raises it: one edge per byte */
    i8042_update_irq(s);
    i8042_update(s);
    return b;
}

static void i8042_data_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    I8042State *s = opaque;
    uint8_t val = (uint8_t)data;
    int cmd = s->pending_cmd;

    s->status &= ~STAT_CMD;
    s->pending_cmd = -1;
    if (cmd >= 0x60 && cmd < 0x60 + I8042_RAM_SIZE) {
        s->ram[cmd - 0x60] = val;
        if (cmd == 0x60) {
            s->status = (uint8_t)((s->status & ~STAT_SYS) | (val & MODE_SYS));
        }
        i8042_update(s);
        return;
    }
    switch (cmd) {
    case 0xd1: /* write output port */
        i8042_write_outport(s, val);
        break;
    case 0xd2: /* as if the keyboard sent it */
        i8042_reply(s, val, false);
        break;
    case 0xd3: /* as if the mouse sent it */
        i8042_reply(s, val, true);
        break;
    case 0xd4: /* to the mouse */
        ps2_write_mouse(&s->mouse, val);
        break;
    default:
        /* to the keyboard; writing to it enables its interface */
        s->ram[0] &= ~MODE_DIS_KBD;
        ps2_write_keyboard(&s->kbd, val);
        break;
    }
    i8042_update(s);
}

static uint64_t i8042_status_read(void *opaque, hwaddr addr, unsigned size)
{
    I8042State *s = opaque;

    return s->status;
}

static void i8042_cmd_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    I8042State *s = opaque;
    uint8_t cmd = (uint8_t)data;

    s->status |= STAT_CMD;
    s->pending_cmd = -1;
    if (cmd >= 0x20 && cmd < 0x20 + I8042_RAM_SIZE) {
        i8042_reply(s, s->ram[cmd - 0x20], false);
        return;
    }
    if ((cmd >= 0x60 && cmd < 0x60 + I8042_RAM_SIZE) || cmd == 0xd1 || cmd == 0xd2 || cmd == 0xd3 ||
        cmd == 0xd4) {
        s->pending_cmd = cmd;
        return;
    }
    if (cmd >= 0xf0) {
        /* pulse the output port bits whose mask bit is 0; bit 0 is reset */
        if (!(cmd & 0x01)) {
            qemu_irq_pulse(s->reset_out);
        }
        return;
    }
    switch (cmd) {
    case 0xa7: /* disable aux */
        s->ram[0] |= MODE_DIS_AUX;
        break;
    case 0xa8: /* enable aux */
        s->ram[0] &= ~MODE_DIS_AUX;
        break;
    case 0xa9: /* test aux interface: no error */
    case 0xab: /* test keyboard interface: no error */
        i8042_reply(s, 0x00, false);
        return;
    case 0xaa: /* self-test */
        s->status |= STAT_SYS;
        i8042_reply(s, 0x55, false);
        return;
    case 0xad: /* disable keyboard */
        s->ram[0] |= MODE_DIS_KBD;
        break;
    case 0xae: /* enable keyboard */
        s->ram[0] &= ~MODE_DIS_KBD;
        break;
    case 0xc0: /* read input port: keyboard not inhibited */
        i8042_reply(s, 0x80, false);
        return;
    case 0xd0:               /* read output port */
        i8042_update_irq(s); /* refresh the buffer-full bits */
        i8042_reply(s, s->outport, false);
        return;
    case 0xdd: /* A20 off */
        i8042_write_outport(s, s->outport & ~OUT_A20);
        break;
    case 0xdf: /* A20 on */
        i8042_write_outport(s, s->outport | OUT_A20);
        break;
    case 0xe0: /* read test inputs */
        i8042_reply(s, 0x00, false);
        return;
    default:
        log_mask_printf(LOG_GUEST_ERROR, "i8042: unknown command %#x\n", cmd);
        return;
    }
    i8042_update(s);
}

static const MemoryRegionOps i8042_data_ops = {
    .read = i8042_data_read,
    .write = i8042_data_write,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
};

static const MemoryRegionOps i8042_cmd_ops = {
    .read = i8042_status_read,
    .write = i8042_cmd_write,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
};

static void i8042_instance_init(DeviceState *dev)
{
    I8042State *s = I8042(dev);

    qdev_init_gpio_out_named(dev, &s->a20_out, I8042_GPIO_A20, 1);
    qdev_init_gpio_out_named(dev, &s->reset_out, I8042_GPIO_RESET, 1);
    ps2_kbd_init(&s->kbd, i8042_update, s);
    ps2_mouse_init(&s->mouse, i8042_update, s);
}

static void i8042_instance_finalize(DeviceState *dev)
{
    ps2_kbd_finalize(&I8042(dev)->kbd);
}

static bool i8042_realize(DeviceState *dev, Error **errp)
{
    I8042State *s = I8042(dev);
    ISADevice *isa = ISA_DEVICE(dev);

    memory_region_init_io(&s->data_io, s, &i8042_data_ops, s, "i8042-data", 1);
    memory_region_init_io(&s->cmd_io, s, &i8042_cmd_ops, s, "i8042-cmd", 1);
    isa_register_ioport(isa, &s->data_io, 0x60);
    isa_register_ioport(isa, &s->cmd_io, 0x64);
    s->irq_kbd = isa_get_irq(isa, 1);
    s->irq_aux = isa_get_irq(isa, 12);
    return true;
}

static void i8042_unrealize(DeviceState *dev)
{
    I8042State *s = I8042(dev);

    isa_unregister_ioports(ISA_DEVICE(dev));
    memory_region_finalize(&s->data_io);
    memory_region_finalize(&s->cmd_io);
}

static void i8042_reset(DeviceState *dev)
{
    I8042State *s = I8042(dev);

    memset(s->ram, 0, sizeof(s->ram));
    s->ram[0] = MODE_XLAT | MODE_SYS | MODE_KBD_INT;
    s->status = STAT_CMD | STAT_UNLOCKED | STAT_SYS;
    s->obdata = 0;
    s->pending_cmd = -1;
    s->ctrl_count = 0;
    s->ctrl_aux = false;
    s->xlat_break = false;
    ps2_kbd_reset(&s->kbd);
    ps2_mouse_reset(&s->mouse);
    i8042_write_outport(s, OUT_RESET | OUT_A20 | 0xc0);
    i8042_update(s);
}

PS2KbdState *i8042_get_keyboard(DeviceState *dev)
{
    return &I8042(dev)->kbd;
}

PS2MouseState *i8042_get_mouse(DeviceState *dev)
{
    return &I8042(dev)->mouse;
}

static int i8042_post_load(void *opaque, int version_id)
{
    I8042State *s = opaque;

    if (s->ctrl_count > sizeof(s->ctrl_queue) || s->pending_cmd > 0xff || s->pending_cmd < -1) {
        return -1;
    }
    qemu_set_irq(s->a20_out, (s->outport & OUT_A20) != 0);
    i8042_update_irq(s);
    return 0;
}

static const VMStateDescription vmstate_i8042 = {
    .name = "i8042",
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = i8042_post_load,
    .fields =
        (const VMStateField[]){
            VMSTATE_UINT8(status, I8042State),
            VMSTATE_UINT8_ARRAY(ram, I8042State, I8042_RAM_SIZE),
            VMSTATE_UINT8(outport, I8042State),
            VMSTATE_UINT8(obdata, I8042State),
            VMSTATE_INT32(pending_cmd, I8042State),
            VMSTATE_UINT8_ARRAY(ctrl_queue, I8042State, 4),
            VMSTATE_UINT32(ctrl_count, I8042State),
            VMSTATE_BOOL(ctrl_aux, I8042State),
            VMSTATE_BOOL(xlat_break, I8042State),
            VMSTATE_STRUCT(kbd, I8042State, 0, vmstate_ps2_keyboard, PS2KbdState),
            VMSTATE_STRUCT(mouse, I8042State, 0, vmstate_ps2_mouse, PS2MouseState),
            VMSTATE_END_OF_LIST(),
        },
};

static const DeviceTypeInfo i8042_info = {
    .name = TYPE_I8042,
    .parent = TYPE_ISA_DEVICE,
    .instance_size = sizeof(I8042State),
    .desc = "i8042 keyboard controller with PS/2 keyboard and mouse",
    .category = DEVICE_CATEGORY_INPUT,
    .vmsd = &vmstate_i8042,
    .instance_init = i8042_instance_init,
    .instance_finalize = i8042_instance_finalize,
    .realize = i8042_realize,
    .unrealize = i8042_unrealize,
    .reset = i8042_reset,
};
DEVICE_TYPE(i8042_info)
