/*
 * PS/2 keyboard and mouse.
 *
 * Keyboard (IBM PS/2 keyboard technical reference; the scancode sets as
 * documented for the AT-compatible keyboard): RESET (ACK, BAT AAh),
 * RESEND, SET DEFAULT, DISABLE, ENABLE, SET TYPEMATIC RATE/DELAY, READ
 * ID (ACK AB 83), SELECT SCANCODE SET (1, 2; set 3 is accepted and sends
 * set 2 codes), ECHO, SET LEDS, the set-3 key type commands (acknowledged,
 * no effect); key input converted from set 1 to the selected set; the
 * typematic repeat of the last key held (virtual clock), at the rate and
 * delay the guest set.
 *
 * Mouse (PS/2 mouse protocol; Microsoft IntelliMouse extensions): RESET
 * (ACK, AAh, 00h), RESEND, SET DEFAULTS, enable/disable data reporting,
 * SET SAMPLE RATE (with the 200,100,80 sequence that turns on the wheel,
 * id 3, and 200,200,80 for the 5-button Explorer, id 4), GET DEVICE ID,
 * SET RESOLUTION, scaling 1:1/2:1 (stored; 2:1 is not applied), STATUS
 * REQUEST, stream and remote mode, READ DATA, wrap (echo) mode. Motion
 * larger than a packet can carry is split over several packets.
 *
 * Not modelled: key overrun codes, set 3's own codes, scaling 2:1.
 */
#include "hw/input/ps2.h"

#include <string.h>

#include "util/log.h"

#define PS2_ACK    0xfa
#define PS2_RESEND 0xfe
#define PS2_BAT_OK 0xaa

/* Set 1 make code -> set 2 code (the same for the e0-prefixed keys). */
const uint8_t ps2_set1_to_set2[128] = {
    0x00, 0x76, 0x16, 0x1e, 0x26, 0x25, 0x2e, 0x36, 0x3d, 0x3e, 0x46, 0x45, 0x4e, 0x55, 0x66, 0x0d,
    0x15, 0x1d, 0x24, 0x2d, 0x2c, 0x35, 0x3c, 0x43, 0x44, 0x4d, 0x54, 0x5b, 0x5a, 0x14, 0x1c, 0x1b,
    0x23, 0x2b, 0x34, 0x33, 0x3b, 0x42, 0x4b, 0x4c, 0x52, 0x0e, 0x12, 0x5d, 0x1a, 0x22, 0x21, 0x2a,
    0x32, 0x31, 0x3a, 0x41, 0x49, 0x4a, 0x59, 0x7c, 0x11, 0x29, 0x58, 0x05, 0x06, 0x04, 0x0c, 0x03,
    0x0b, 0x83, 0x0a, 0x01, 0x09, 0x77, 0x7e, 0x6c, 0x75, 0x7d, 0x7b, 0x6b, 0x73, 0x74, 0x79, 0x69,
    0x72, 0x7a, 0x70, 0x71, 0x84, 0x00, 0x61, 0x78, 0x07, 0x0f, 0x00, 0x1f, 0x27, 0x2f, 0x00, 0x5e,
    0x08, 0x10, 0x18, 0x20, 0x28, 0x30, 0x38, 0x40, 0x48, 0x50, 0x57, 0x6f, 0x13, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x51, 0x00, 0x00, 0x00, 0x00, 0x00, 0x64, 0x00, 0x67, 0x00, 0x6a, 0x00, 0x00,
};

/* ---- the byte queue ---- */

static void ps2_queue_clear(PS2State *s)
{
    s->rptr = 0;
    s->count = 0;
}

static bool ps2_queue_room(PS2State *s, uint32_t n)
{
    return s->count + n <= s->capacity;
}

static void ps2_queue_noirq(PS2State *s, uint8_t b)
{
    if (s->count >= s->capacity) {
        return; /* full: the byte is lost, as on a real device */
    }
    s->data[(s->rptr + s->count) % PS2_QUEUE_SIZE] = b;
    s->count++;
}

static void ps2_notify(PS2State *s)
{
    if (s->notify) {
        s->notify(s->opaque);
    }
}

static void ps2_queue(PS2State *s, uint8_t b)
{
    ps2_queue_noirq(s, b);
    ps2_notify(s);
}

bool ps2_queue_empty(const PS2State *s)
{
    return s->count == 0;
}

uint8_t ps2_read_data(PS2State *s)
{
    uint8_t b;

    if (!s->count) {
        return s->last_byte; /* the controller re-reads the last byte */
    }
    b = s->data[s->rptr];
    s->rptr = (s->rptr + 1) % PS2_QUEUE_SIZE;
    s->count--;
    s->last_byte = b;
    return b;
}

static void ps2_common_init(PS2State *s, uint32_t capacity, void (*notify)(void *), void *opaque)
{
    memset(s, 0, sizeof(*s));
    s->capacity = capacity;
    s->write_cmd = -1;
    s->notify = notify;
    s->opaque = opaque;
}

/* ---- keyboard ---- */

static void ps2_kbd_set_defaults(PS2KbdState *s)
{
    s->scancode_set = 2;
    s->typematic = 0x2b; /* 10.9 characters/s after 500 ms */
    s->repeat_active = false;
    timer_del(&s->repeat_timer);
}

static int64_t ps2_typematic_delay_ns(PS2KbdState *s)
{
    return (int64_t)(((s->typematic >> 5) & 3) + 1) * 250000000;
}

static int64_t ps2_typematic_period_ns(PS2KbdState *s)
{
    /* period = (8 + A) * 2^B * 4.17 ms, A = bits 2:0, B = bits 4:3 */
    int64_t a = s->typematic & 7, b = (s->typematic >> 3) & 3;

    return (8 + a) * ((int64_t)1 << b) * 4166667;
}

/* Queue the codes of one set-1 byte in the current set. */
static void ps2_kbd_emit(PS2KbdState *s, uint8_t code, bool ext)
{
    PS2State *c = &s->common;
    bool brk = code & 0x80;
    uint8_t key = code & 0x7f;

    if (!ps2_queue_room(c, 3)) {
        return;
    }
    if (ext) {
        ps2_queue_noirq(c, 0xe0);
    }
    if (s->scancode_set == 1) {
        ps2_queue_noirq(c, code);
    } else {
        uint8_t c2 = ps2_set1_to_set2[key];

        if (!c2) {
            log_mask_printf(LOG_UNIMP, "ps2: no set 2 code for key %#x\n", key);
            c2 = key;
        }
        if (brk) {
            ps2_queue_noirq(c, 0xf0);
        }
        ps2_queue_noirq(c, c2);
    }
    ps2_notify(c);
}

static void ps2_kbd_repeat(void *opaque)
{
    PS2KbdState *s = opaque;

    if (!s->repeat_active || !s->scan_enabled) {
        return;
    }
    ps2_kbd_emit(s, s->repeat_code, s->repeat_ext);
    timer_mod_ns(&s->repeat_timer,
                 qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) + ps2_typematic_period_ns(s));
}

void ps2_keyboard_put_keycode(PS2KbdState *s, int keycode)
{
    uint8_t code = (uint8_t)keycode;
    bool ext;

    if (!s->scan_enabled) {
        return;
    }
    if (code == 0xe0) {
        s->ext_prefix = true;
        return;
    }
    if (code == 0xe1) {
        /* Pause: its sequence has no break code; pass it through */
        ps2_queue(&s->common, 0xe1);
        return;
    }
    ext = s->ext_prefix;
    s->ext_prefix = false;
    ps2_kbd_emit(s, code, ext);
    if (!(code & 0x80)) {
        s->repeat_active = true;
        s->repeat_code = code;
        s->repeat_ext = ext;
        timer_mod_ns(&s->repeat_timer,
                     qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) + ps2_typematic_delay_ns(s));
    } else if (s->repeat_active && (code & 0x7f) == s->repeat_code && ext == s->repeat_ext) {
        s->repeat_active = false;
        timer_del(&s->repeat_timer);
    }
}

void ps2_write_keyboard(PS2KbdState *s, uint8_t val)
{
    PS2State *c = &s->common;
    int cmd = c->write_cmd;

    if (cmd >= 0) {
        c->write_cmd = -1;
        switch (cmd) {
        case 0xf3: /* typematic parameter */
            s->typematic = val & 0x7f;
            ps2_queue(c, PS2_ACK);
            return;
        case 0xed: /* LED byte */
            s->leds = val & 7;
            ps2_queue(c, PS2_ACK);
            return;
        case 0xf0: /* scancode set */
            if (val == 0) {
                ps2_queue_noirq(c, PS2_ACK);
                ps2_queue(c, s->scancode_set);
            } else if (val <= 3) {
                if (val == 3) {
                    log_mask_printf(LOG_UNIMP, "ps2: scancode set 3 (set 2 codes are sent)\n");
                }
                s->scancode_set = val;
                ps2_queue(c, PS2_ACK);
            } else {
                ps2_queue(c, PS2_RESEND);
            }
            return;
        default:
            break;
        }
        /* a new command instead of the parameter: fall through to it */
    }
    switch (val) {
    case 0xff: /* reset */
        ps2_queue_clear(c);
        ps2_kbd_set_defaults(s);
        s->leds = 0;
        s->scan_enabled = true;
        ps2_queue_noirq(c, PS2_ACK);
        ps2_queue(c, PS2_BAT_OK);
        break;
    case 0xfe: /* resend */
        ps2_queue(c, c->last_byte);
        break;
    case 0xf6: /* set default, keep scanning */
        ps2_kbd_set_defaults(s);
        ps2_queue(c, PS2_ACK);
        break;
    case 0xf5: /* set default, stop scanning */
        ps2_kbd_set_defaults(s);
        s->scan_enabled = false;
        ps2_queue(c, PS2_ACK);
        break;
    case 0xf4: /* enable */
        ps2_queue_clear(c);
        s->scan_enabled = true;
        ps2_queue(c, PS2_ACK);
        break;
    case 0xf3:
    case 0xed:
    case 0xf0:
        c->write_cmd = val;
        ps2_queue(c, PS2_ACK);
        break;
    case 0xf2: /* read ID: an MF2 keyboard */
        ps2_queue_noirq(c, PS2_ACK);
        ps2_queue_noirq(c, 0xab);
        ps2_queue(c, 0x83);
        break;
    case 0xee: /* echo */
        ps2_queue(c, 0xee);
        break;
    case 0xf7: /* set-3 key types: accepted, no effect */
    case 0xf8:
    case 0xf9:
    case 0xfa:
    case 0xfb:
    case 0xfc:
    case 0xfd:
        ps2_queue(c, PS2_ACK);
        break;
    default:
        log_mask_printf(LOG_GUEST_ERROR, "ps2: unknown keyboard command %#x\n", val);
        ps2_queue(c, PS2_RESEND);
        break;
    }
}

void ps2_kbd_reset(PS2KbdState *s)
{
    ps2_queue_clear(&s->common);
    s->common.write_cmd = -1;
    s->common.last_byte = 0;
    ps2_kbd_set_defaults(s);
    s->leds = 0;
    s->scan_enabled = true;
    s->ext_prefix = false;
}

void ps2_kbd_init(PS2KbdState *s, void (*notify)(void *opaque), void *opaque)
{
    ps2_common_init(&s->common, PS2_KBD_QUEUE_SIZE, notify, opaque);
    timer_init_ns(&s->repeat_timer, QEMU_CLOCK_VIRTUAL, ps2_kbd_repeat, s);
    ps2_kbd_reset(s);
}

void ps2_kbd_finalize(PS2KbdState *s)
{
    timer_del(&s->repeat_timer);
    timer_deinit(&s->repeat_timer);
}

/* ---- mouse ---- */

static void ps2_mouse_set_defaults(PS2MouseState *s)
{
    s->status = 0;
    s->resolution = 2;
    s->sample_rate = 100;
}

/* Queue one movement packet (3 bytes, 4 with a wheel); false if no room. */
static bool ps2_mouse_send_packet(PS2MouseState *s)
{
    PS2State *c = &s->common;
    int dx = s->dx, dy = s->dy, dz = s->dz;
    uint8_t b0;

    if (!ps2_queue_room(c, s->type ? 4 : 3)) {
        return false;
    }
    dx = dx > 255 ? 255 : dx < -256 ? -256 : dx;
    dy = dy > 255 ? 255 : dy < -256 ? -256 : dy;
    b0 = (uint8_t)(0x08 | (s->buttons & 7) | (dx < 0 ? 0x10 : 0) | (dy < 0 ? 0x20 : 0));
    ps2_queue_noirq(c, b0);
    ps2_queue_noirq(c, (uint8_t)dx);
    ps2_queue_noirq(c, (uint8_t)dy);
    s->dx -= dx;
    s->dy -= dy;
    if (s->type == 3) {
        dz = dz > 7 ? 7 : dz < -8 ? -8 : dz;
        ps2_queue_noirq(c, (uint8_t)dz);
        s->dz -= dz;
    } else if (s->type == 4) {
        dz = dz > 7 ? 7 : dz < -8 ? -8 : dz;
        ps2_queue_noirq(c, (uint8_t)((dz & 0x0f) | ((s->buttons & 0x18) << 1)));
        s->dz -= dz;
    } else {
        s->dz = 0;
    }
    s->sent_buttons = s->buttons;
    return true;
}

static void ps2_mouse_flush(PS2MouseState *s)
{
    bool sent = false;

    if (!(s->status & 0x20) || (s->status & 0x40) || s->wrap) {
        return; /* reporting off, or remote mode: the host asks */
    }
    while (s->dx || s->dy || s->dz || s->buttons != s->sent_buttons) {
        if (!ps2_mouse_send_packet(s)) {
            break;
        }
        sent = true;
    }
    if (sent) {
        ps2_notify(&s->common);
    }
}

void ps2_mouse_event(PS2MouseState *s, int dx, int dy, int dz, int buttons)
{
    /* PS/2 counts up as positive y, screens count down */
    s->dx += dx;
    s->dy -= dy;
    s->dz += dz;
    s->buttons = (uint8_t)(buttons & 0x1f);
    ps2_mouse_flush(s);
}

static void ps2_mouse_rate_seen(PS2MouseState *s, uint8_t rate)
{
    s->rate_hist[0] = s->rate_hist[1];
    s->rate_hist[1] = s->rate_hist[2];
    s->rate_hist[2] = rate;
    if (s->rate_hist[0] == 200 && s->rate_hist[1] == 100 && s->rate_hist[2] == 80) {
        if (s->type == 0) {
            s->type = 3;
        }
    } else if (s->rate_hist[0] == 200 && s->rate_hist[1] == 200 && s->rate_hist[2] == 80) {
        if (s->type == 3) {
            s->type = 4;
        }
    }
}

void ps2_write_mouse(PS2MouseState *s, uint8_t val)
{
    PS2State *c = &s->common;
    int cmd = c->write_cmd;

    if (s->wrap && val != 0xff && val != 0xec) {
        ps2_queue(c, val);
        return;
    }
    if (cmd >= 0) {
        c->write_cmd = -1;
        switch (cmd) {
        case 0xf3:
            s->sample_rate = val;
            ps2_mouse_rate_seen(s, val);
            ps2_queue(c, PS2_ACK);
            return;
        case 0xe8:
            s->resolution = val & 3;
            ps2_queue(c, PS2_ACK);
            return;
        default:
            break;
        }
    }
    switch (val) {
    case 0xff: /* reset */
        ps2_queue_clear(c);
        ps2_mouse_set_defaults(s);
        s->type = 0;
        s->wrap = false;
        s->dx = s->dy = s->dz = 0;
        ps2_queue_noirq(c, PS2_ACK);
        ps2_queue_noirq(c, PS2_BAT_OK);
        ps2_queue(c, 0x00);
        break;
    case 0xfe:
        ps2_queue(c, c->last_byte);
        break;
    case 0xf6: /* set defaults */
        ps2_mouse_set_defaults(s);
        ps2_queue(c, PS2_ACK);
        break;
    case 0xf5: /* disable data reporting */
        s->status &= ~0x20;
        ps2_queue(c, PS2_ACK);
        break;
    case 0xf4: /* enable data reporting */
        s->status |= 0x20;
        s->sent_buttons = s->buttons;
        s->dx = s->dy = s->dz = 0;
        ps2_queue(c, PS2_ACK);
        break;
    case 0xf3:
    case 0xe8:
        c->write_cmd = val;
        ps2_queue(c, PS2_ACK);
        break;
    case 0xf2: /* get device id */
        ps2_queue_noirq(c, PS2_ACK);
        ps2_queue(c, s->type);
        break;
    case 0xf0: /* remote mode */
        s->status |= 0x40;
        ps2_queue(c, PS2_ACK);
        break;
    case 0xee: /* wrap mode */
        s->wrap = true;
        ps2_queue(c, PS2_ACK);
        break;
    case 0xec: /* reset wrap mode */
        s->wrap = false;
        ps2_queue(c, PS2_ACK);
        break;
    case 0xeb: /* read data */
        ps2_queue_noirq(c, PS2_ACK);
        ps2_mouse_send_packet(s);
        ps2_notify(c);
        break;
    case 0xea: /* stream mode */
        s->status &= ~0x40;
        ps2_queue(c, PS2_ACK);
        break;
    case 0xe9: { /* status request */
        uint8_t b = s->status & 0x70;

        /* buttons in the status byte: left bit 2, middle bit 1, right bit 0 */
        b |= (s->buttons & PS2_MOUSE_BUTTON_LEFT) ? 0x04 : 0;
        b |= (s->buttons & PS2_MOUSE_BUTTON_MIDDLE) ? 0x02 : 0;
        b |= (s->buttons & PS2_MOUSE_BUTTON_RIGHT) ? 0x01 : 0;
        ps2_queue_noirq(c, PS2_ACK);
        ps2_queue_noirq(c, b);
        ps2_queue_noirq(c, s->resolution);
        ps2_queue(c, s->sample_rate);
        break;
    }
    case 0xe7: /* scaling 2:1 */
        s->status |= 0x10;
        ps2_queue(c, PS2_ACK);
        break;
    case 0xe6: /* scaling 1:1 */
        s->status &= ~0x10;
        ps2_queue(c, PS2_ACK);
        break;
    default:
        log_mask_printf(LOG_GUEST_ERROR, "ps2: unknown mouse command %#x\n", val);
        ps2_queue(c, PS2_RESEND);
        break;
    }
}

void ps2_mouse_reset(PS2MouseState *s)
{
    ps2_queue_clear(&s->common);
    s->common.write_cmd = -1;
    s->common.last_byte = 0;
    ps2_mouse_set_defaults(s);
    s->type = 0;
    s->wrap = false;
    memset(s->rate_hist, 0, sizeof(s->rate_hist));
    s->dx = s->dy = s->dz = 0;
    s->buttons = s->sent_buttons = 0;
}

void ps2_mouse_init(PS2MouseState *s, void (*notify)(void *opaque), void *opaque)
{
    ps2_common_init(&s->common, PS2_QUEUE_SIZE, notify, opaque);
    ps2_mouse_reset(s);
}

/* ---- migration ---- */

static int ps2_common_post_load(void *opaque, int version_id)
{
    PS2State *s = opaque;

    if (s->count > s->capacity || s->rptr >= PS2_QUEUE_SIZE || s->write_cmd > 0xff ||
        s->write_cmd < -1) {
        return -1;
    }
    return 0;
}

static const VMStateDescription vmstate_ps2_common = {
    .name = "ps2-common",
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = ps2_common_post_load,
    .fields =
        (const VMStateField[]){
            VMSTATE_UINT8_ARRAY(data, PS2State, PS2_QUEUE_SIZE),
            VMSTATE_UINT32(rptr, PS2State),
            VMSTATE_UINT32(count, PS2State),
            VMSTATE_UINT32_EQUAL(capacity, PS2State),
            VMSTATE_INT32(write_cmd, PS2State),
            VMSTATE_UINT8(last_byte, PS2State),
            VMSTATE_END_OF_LIST(),
        },
};

const VMStateDescription vmstate_ps2_keyboard = {
    .name = "ps2kbd",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields =
        (const VMStateField[]){
            VMSTATE_STRUCT(common, PS2KbdState, 0, vmstate_ps2_common, PS2State),
            VMSTATE_BOOL(scan_enabled, PS2KbdState),
            VMSTATE_UINT8(scancode_set, PS2KbdState),
            VMSTATE_UINT8(leds, PS2KbdState),
            VMSTATE_UINT8(typematic, PS2KbdState),
            VMSTATE_BOOL(ext_prefix, PS2KbdState),
            VMSTATE_BOOL(repeat_active, PS2KbdState),
            VMSTATE_UINT8(repeat_code, PS2KbdState),
            VMSTATE_BOOL(repeat_ext, PS2KbdState),
            VMSTATE_TIMER(repeat_timer, PS2KbdState),
            VMSTATE_END_OF_LIST(),
        },
};

const VMStateDescription vmstate_ps2_mouse = {
    .name = "ps2mouse",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields =
        (const VMStateField[]){
            VMSTATE_STRUCT(common, PS2MouseState, 0, vmstate_ps2_common, PS2State),
            VMSTATE_UINT8(status, PS2MouseState),
            VMSTATE_UINT8(resolution, PS2MouseState),
            VMSTATE_UINT8(sample_rate, PS2MouseState),
            VMSTATE_BOOL(wrap, PS2MouseState),
            VMSTATE_UINT8(type, PS2MouseState),
            VMSTATE_UINT8_ARRAY(rate_hist, PS2MouseState, 3),
            VMSTATE_INT32(dx, PS2MouseState),
            VMSTATE_INT32(dy, PS2MouseState),
            VMSTATE_INT32(dz, PS2MouseState),
            VMSTATE_UINT8(buttons, PS2MouseState),
            VMSTATE_UINT8(sent_buttons, PS2MouseState),
            VMSTATE_END_OF_LIST(),
        },
};
