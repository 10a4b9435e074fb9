/*
 * PS/2 keyboard and mouse, as the devices behind a keyboard controller
 * (the i8042) see them: each has a byte queue towards the controller and
 * takes command bytes from it.
 *
 * The controller embeds a PS2KbdState and a PS2MouseState, calls
 * ps2_kbd_init/ps2_mouse_init with a notify callback (run whenever a
 * device queued bytes), pulls bytes with ps2_read_data() while it has
 * room, and sends host bytes with ps2_write_keyboard/ps2_write_mouse.
 *
 * Input from the UI:
 *   ps2_keyboard_put_keycode(kbd, code): one byte of a PC/XT (scancode set
 *     1) key sequence: make codes < 0x80, break codes | 0x80, 0xe0 (and
 *     0xe1) prefixes as separate bytes. The keyboard converts it to the
 *     scancode set the guest selected (set 2 by default; the i8042 turns
 *     set 2 back into set 1 when its command byte asks for translation).
 *   ps2_mouse_event(mouse, dx, dy, dz, buttons): relative motion in screen
 *     directions (dy > 0 down, dz > 0 wheel towards the user) and the
 *     buttons now held (PS2_MOUSE_BUTTON_*).
 * Both run under the BQL.
 */
#ifndef HW_INPUT_PS2_H
#define HW_INPUT_PS2_H

#include <stdbool.h>
#include <stdint.h>

#include "migration/vmstate.h"
#include "util/timer.h"

#define PS2_QUEUE_SIZE     256
#define PS2_KBD_QUEUE_SIZE 16 /* the keyboard's own buffer */

#define PS2_MOUSE_BUTTON_LEFT   0x01
#define PS2_MOUSE_BUTTON_RIGHT  0x02
#define PS2_MOUSE_BUTTON_MIDDLE 0x04

typedef struct PS2State {
    uint8_t data[PS2_QUEUE_SIZE];
    uint32_t rptr;
    uint32_t count;
    uint32_t capacity;
    int32_t write_cmd; /* command waiting for its parameter byte, -1 none */
    uint8_t last_byte; /* for RESEND */
    void (*notify)(void *opaque);
    void *opaque;
} PS2State;

typedef struct PS2KbdState {
    PS2State common;
    bool scan_enabled;
    uint8_t scancode_set; /* 1, 2 or 3 */
    uint8_t leds;
    uint8_t typematic; /* rate/delay byte of SET TYPEMATIC */
    bool ext_prefix;   /* an 0xe0 from the UI is waiting for its key */
    /* typematic repeat of the last key pressed */
    bool repeat_active;
    uint8_t repeat_code; /* set 1 make code */
    bool repeat_ext;
    QEMUTimer repeat_timer;
} PS2KbdState;

typedef struct PS2MouseState {
    PS2State common;
    uint8_t status; /* bit 6 remote mode, bit 5 reporting on, bit 4 scaling 2:1 */
    uint8_t resolution;
    uint8_t sample_rate;
    bool wrap;
    uint8_t type;         /* device id: 0 PS/2, 3 IntelliMouse, 4 Explorer */
    uint8_t rate_hist[3]; /* the last sample rates, for the magic sequences */
    int32_t dx, dy, dz;   /* motion not yet reported (PS/2 directions) */
    uint8_t buttons;
    uint8_t sent_buttons;
} PS2MouseState;

void ps2_kbd_init(PS2KbdState *s, void (*notify)(void *opaque), void *opaque);
void ps2_mouse_init(PS2MouseState *s, void (*notify)(void *opaque), void *opaque);
void ps2_kbd_finalize(PS2KbdState *s);
/* Power-on state (no BAT byte: the reset command sends that). */
void ps2_kbd_reset(PS2KbdState *s);
void ps2_mouse_reset(PS2MouseState *s);

/* Controller side. */
bool ps2_queue_empty(const PS2State *s);
uint8_t ps2_read_data(PS2State *s);
void ps2_write_keyboard(PS2KbdState *s, uint8_t val);
void ps2_write_mouse(PS2MouseState *s, uint8_t val);

/* UI side. */
void ps2_keyboard_put_keycode(PS2KbdState *s, int keycode);
void ps2_mouse_event(PS2MouseState *s, int dx, int dy, int dz, int buttons);

/* Set 1 make code -> set 2 code (also for the e0-prefixed keys); 0: none. */
extern const uint8_t ps2_set1_to_set2[128];

extern const VMStateDescription vmstate_ps2_keyboard;
extern const VMStateDescription vmstate_ps2_mouse;

#endif
