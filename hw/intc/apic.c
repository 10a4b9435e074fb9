/*
 * Local APIC, one device per CPU (Intel SDM vol. 3A, chapter 11 "Advanced
 * Programmable Interrupt Controller"; x2APIC specification).
 *
 * Modelled: IA32_APIC_BASE (base relocation, global enable, BSP, x2APIC
 * enable), the xAPIC page and the x2APIC MSRs: ID, version (0x50014: no
 * EOI-broadcast suppression, no CMCI), TPR/APR/PPR, EOI (a level-triggered
 * vector's EOI is broadcast to the IOAPIC), LDR/DFR (flat and cluster
 * models), SVR (software enable, spurious vector; focus checking is
 * accepted and has no effect since lowest priority goes to one target),
 * ISR/TMR/IRR, ESR (illegal vectors sent/received, illegal register
 * address), ICR (fixed, lowest priority = fixed to the lowest-numbered
 * matching APIC, SMI logged and ignored, NMI, INIT, INIT level de-assert
 * (no effect), SIPI, shorthands, physical/logical destinations), the LVT
 * (timer, thermal, performance, LINT0, LINT1, error) with mask and
 * delivery mode, and the timer: one-shot, periodic, TSC-deadline, divide
 * configuration, current count, on QEMU_CLOCK_VIRTUAL with a 1 GHz bus.
 *
 * Not modelled: the thermal and performance-counter sources (their LVTs
 * are registers only), SMI, remote read, ExtINT messages from the IOAPIC
 * (logged), arbitration priority beyond reading back a value.
 *
 * Interrupt acceptance: the highest IRR vector whose class (bits 7:4) is
 * above the PPR class is signalled to the CPU as CPU_INTERRUPT_HARD;
 * apic_get_interrupt moves it to ISR. A fixed interrupt to a software-
 * disabled APIC is dropped (SDM 11.4.7.2); NMI, INIT and SIPI still arrive.
 *
 * The MMIO page is one region shared by every APIC; the accessing CPU
 * (hooks.current_cpu) picks the APIC, as each CPU sees its own APIC at the
 * same address. When a CPU relocates its base the shared page moves.
 */
#include "hw/intc/apic.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "exec/memory.h"
#include "hw/core/qdev-properties.h"
#include "migration/vmstate.h"
#include "util/log.h"
#include "util/timer.h"

/* register indexes: xAPIC offset >> 4, x2APIC MSR - 0x800 */
enum {
    APIC_R_ID = 0x02,
    APIC_R_VERSION = 0x03,
    APIC_R_TPR = 0x08,
    APIC_R_APR = 0x09,
    APIC_R_PPR = 0x0a,
    APIC_R_EOI = 0x0b,
    APIC_R_RRD = 0x0c,
    APIC_R_LDR = 0x0d,
    APIC_R_DFR = 0x0e,
    APIC_R_SVR = 0x0f,
    APIC_R_ISR = 0x10,
    APIC_R_TMR = 0x18,
    APIC_R_IRR = 0x20,
    APIC_R_ESR = 0x28,
    APIC_R_ICR_LO = 0x30,
    APIC_R_ICR_HI = 0x31,
    APIC_R_LVT = 0x32, /* 0x32-0x37: timer, thermal, perf, LINT0, LINT1, error */
    APIC_R_TMICT = 0x38,
    APIC_R_TMCCT = 0x39,
    APIC_R_TDCR = 0x3e,
    APIC_R_SELF_IPI = 0x3f,
};

enum { LVT_TIMER, LVT_THERMAL, LVT_PERF, LVT_LINT0, LVT_LINT1, LVT_ERROR, LVT_NUM };

#define LVT_MASKED (1u << 16)
#define LVT_LEVEL (1u << 15)
#define LVT_REMOTE_IRR (1u << 14)
#define LVT_TIMER_MODE_SHIFT 17
#define TIMER_ONESHOT 0
#define TIMER_PERIODIC 1
#define TIMER_TSC_DEADLINE 2

#define SVR_ENABLE (1u << 8)

#define ESR_SEND_ILLEGAL_VECTOR (1u << 5)
#define ESR_RECV_ILLEGAL_VECTOR (1u << 6)
#define ESR_ILLEGAL_REGISTER (1u << 7)

#define ICR_LEVEL_ASSERT (1u << 14)
#define ICR_TRIGGER_LEVEL (1u << 15)

typedef struct ApicState {
    DeviceState parent;

    /* properties */
    uint32_t prop_id;
    bool bsp;

    CPUState *cpu;
    uint32_t cpu_order; /* creation order: lowest-priority tie-break */
    QEMUTimer *timer;

    /* guest-visible state */
    uint64_t apicbase;
    uint32_t id; /* the full x2APIC ID; xAPIC shows bits 7:0 at 31:24 */
    uint8_t tpr;
    uint8_t arb;
    uint32_t ldr; /* xAPIC format (31:24); x2APIC derives it from id */
    uint32_t dfr;
    uint32_t svr;
    uint32_t isr[8], tmr[8], irr[8];
    uint32_t esr;         /* what the guest reads */
    uint32_t esr_pending; /* errors since the last ESR write */
    uint32_t icr_lo, icr_hi;
    uint32_t lvt[LVT_NUM];
    uint32_t initial_count;
    uint32_t divide_conf;
    int64_t count_load_ns; /* virtual time the current count started from */
    uint64_t tsc_deadline;
    uint8_t lint_level[2];
    uint8_t wait_for_sipi;
    uint8_t sipi_vector;
} ApicState;

#define APIC(dev) QDEV_CHECK(ApicState, dev, TYPE_APIC)

static ApicState *apic_list[APIC_MAX_APICS];
static uint32_t apic_next_order;
static ApicCpuHooks apic_hooks;
static void (*apic_eoi_fn)(void *opaque, int vector);
static void *apic_eoi_opaque;
static MemoryRegion apic_mmio;
static bool apic_mmio_inited;

void apic_set_cpu_hooks(const ApicCpuHooks *hooks)
{
    apic_hooks = *hooks;
}

void apic_set_eoi_broadcast(void (*fn)(void *opaque, int vector), void *opaque)
{
    apic_eoi_fn = fn;
    apic_eoi_opaque = opaque;
}

static void apic_cpu_raise(ApicState *s, uint32_t mask)
{
    if (!s->cpu) {
        return;
    }
    if (apic_hooks.interrupt) {
        apic_hooks.interrupt(s->cpu, mask);
    } else {
        cpu_interrupt(s->cpu, mask);
    }
}

static void apic_cpu_lower(ApicState *s, uint32_t mask)
{
    if (!s->cpu) {
        return;
    }
    if (apic_hooks.reset_interrupt) {
        apic_hooks.reset_interrupt(s->cpu, mask);
    } else {
        cpu_reset_interrupt(s->cpu, mask);
    }
}

static bool apic_x2apic_mode(ApicState *s)
{
    return (s->apicbase & MSR_IA32_APICBASE_EXTD) != 0;
}

static bool apic_hw_enabled(ApicState *s)
{
    return (s->apicbase & MSR_IA32_APICBASE_ENABLE) != 0;
}

static bool apic_sw_enabled(ApicState *s)
{
    return apic_hw_enabled(s) && (s->svr & SVR_ENABLE);
}

/* ---- 256-bit registers ---- */

static void bit_set(uint32_t *r, int v)
{
    r[v >> 5] |= 1u << (v & 31);
}

static void bit_clear(uint32_t *r, int v)
{
    r[v >> 5] &= ~(1u << (v & 31));
}

static bool bit_test(const uint32_t *r, int v)
{
    return (r[v >> 5] >> (v & 31)) & 1;
}

/* highest set vector, -1 if none */
static int bit_highest(const uint32_t *r)
{
    for (int i = 7; i >= 0; i--) {
        if (r[i]) {
            return i * 32 + 31 - __builtin_clz(r[i]);
        }
    }
    return -1;
}

/* ---- priority ---- */

static uint8_t apic_ppr(ApicState *s)
{
    int isrv = bit_highest(s->isr);

    if (isrv < 0) {
        isrv = 0;
    }
    if ((s->tpr & 0xf0) >= (isrv & 0xf0)) {
        return s->tpr;
    }
    return isrv & 0xf0;
}

/* the vector the APIC would deliver now, -1 if none */
static int apic_deliverable(ApicState *s)
{
    int irrv;

    if (!apic_sw_enabled(s)) {
        return -1;
    }
    irrv = bit_highest(s->irr);
    if (irrv < 0 || (irrv & 0xf0) <= (apic_ppr(s) & 0xf0)) {
        return -1;
    }
    return irrv;
}

static bool apic_lint0_extint(ApicState *s)
{
    uint32_t lvt = s->lvt[LVT_LINT0];

    if (!apic_hw_enabled(s)) {
        return true; /* a disabled APIC passes LINT0 through as INTR */
    }
    return !(lvt & LVT_MASKED) && ((lvt >> 8) & 7) == APIC_DM_EXTINT;
}

static void apic_update_irq(ApicState *s)
{
    if (apic_deliverable(s) >= 0 || (s->lint_level[0] && apic_lint0_extint(s))) {
        apic_cpu_raise(s, CPU_INTERRUPT_HARD);
    } else {
        apic_cpu_lower(s, CPU_INTERRUPT_HARD);
    }
}

static void apic_error(ApicState *s, uint32_t bits);

/* A fixed interrupt arrives (bus message, LVT, self). */
static void apic_set_irq(ApicState *s, int vector, int trigger)
{
    if (vector < 16) {
        apic_error(s, ESR_RECV_ILLEGAL_VECTOR);
        return;
    }
    if (!apic_sw_enabled(s)) {
        return;
    }
    bit_set(s->irr, vector);
    if (trigger == APIC_TRIGGER_LEVEL) {
        bit_set(s->tmr, vector);
    } else {
        bit_clear(s->tmr, vector);
    }
    apic_update_irq(s);
}

static void apic_error(ApicState *s, uint32_t bits)
{
    uint32_t lvt = s->lvt[LVT_ERROR];
    bool fresh = (s->esr_pending & bits) != bits;

    s->esr_pending |= bits;
    if (fresh && !(lvt & LVT_MASKED) && (lvt & 0xff) >= 16) {
        apic_set_irq(s, lvt & 0xff, APIC_TRIGGER_EDGE);
    }
}

/* An LVT entry fires (timer, error, LINT0/1 edges). */
static void apic_lvt_fire(ApicState *s, int n)
{
    uint32_t lvt = s->lvt[n];
    int mode = (lvt >> 8) & 7;

    if (lvt & LVT_MASKED) {
        return;
    }
    if (n == LVT_TIMER || n == LVT_ERROR) {
        mode = APIC_DM_FIXED; /* these have no delivery mode field */
    }
    switch (mode) {
    case APIC_DM_FIXED:
        apic_set_irq(s, lvt & 0xff,
                     (n == LVT_LINT0 || n == LVT_LINT1) && (lvt & LVT_LEVEL) ? APIC_TRIGGER_LEVEL
                                                                            : APIC_TRIGGER_EDGE);
        break;
    case APIC_DM_NMI:
        apic_cpu_raise(s, CPU_INTERRUPT_NMI);
        break;
    case APIC_DM_EXTINT:
        apic_update_irq(s);
        break;
    case APIC_DM_SMI:
        log_mask_printf(LOG_UNIMP, "apic: SMI delivery from LVT %d ignored\n", n);
        break;
    case APIC_DM_INIT:
        log_mask_printf(LOG_UNIMP, "apic: INIT delivery from LVT %d ignored\n", n);
        break;
    default:
        log_mask_printf(LOG_GUEST_ERROR, "apic: LVT %d has reserved delivery mode %d\n", n, mode);
        break;
    }
}

static void apic_lint_input(void *opaque, int n, int level)
{
    ApicState *s = opaque;
    int old = s->lint_level[n];

    s->lint_level[n] = level != 0;
    if (n == 0 && apic_lint0_extint(s)) {
        apic_update_irq(s);
        return;
    }
    if (!apic_hw_enabled(s)) {
        /* LINT1 of a disabled APIC is the plain NMI pin */
        if (n == 1 && level && !old) {
            apic_cpu_raise(s, CPU_INTERRUPT_NMI);
        }
        return;
    }
    if ((s->lvt[LVT_LINT0 + n] & LVT_LEVEL) && ((s->lvt[LVT_LINT0 + n] >> 8) & 7) == 0) {
        if (level) {
            apic_lvt_fire(s, LVT_LINT0 + n);
        }
    } else if (level && !old) {
        apic_lvt_fire(s, LVT_LINT0 + n);
    }
}

/* ---- timer ---- */

static int apic_timer_mode(ApicState *s)
{
    return (s->lvt[LVT_TIMER] >> LVT_TIMER_MODE_SHIFT) & 3;
}

/* ns per count: the bus runs at 1 GHz, divided by 1..128 */
static int64_t apic_count_ns(ApicState *s)
{
    uint32_t v = (s->divide_conf & 3) | ((s->divide_conf >> 1) & 4);

    return v == 7 ? 1 : 2LL << v;
}

/* counts elapsed since the load, and the current count */
static uint32_t apic_current_count(ApicState *s)
{
    int64_t elapsed;

    if (!s->initial_count || apic_timer_mode(s) == TIMER_TSC_DEADLINE) {
        return 0;
    }
    elapsed = (qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) - s->count_load_ns) / apic_count_ns(s);
    if (elapsed < 0) {
        elapsed = 0;
    }
    if (apic_timer_mode(s) == TIMER_PERIODIC) {
        return s->initial_count - (uint32_t)(elapsed % s->initial_count);
    }
    return elapsed >= s->initial_count ? 0 : s->initial_count - (uint32_t)elapsed;
}

static void apic_timer_arm(ApicState *s)
{
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    int mode = apic_timer_mode(s);

    if (mode == TIMER_TSC_DEADLINE) {
        uint64_t tsc;
        int64_t delta;

        if (!s->tsc_deadline || !apic_hooks.read_tsc || !apic_hooks.tsc_hz) {
            timer_del(s->timer);
            return;
        }
        tsc = apic_hooks.read_tsc(s->cpu);
        delta = 0;
        if (s->tsc_deadline > tsc) {
            /* round up: the interrupt must not come before the deadline */
            unsigned __int128 d = (unsigned __int128)(s->tsc_deadline - tsc) * NANOSECONDS_PER_SECOND;
            d = (d + apic_hooks.tsc_hz - 1) / apic_hooks.tsc_hz;
            delta = d > INT64_MAX / 2 ? INT64_MAX / 2 : (int64_t)d;
        }
        timer_mod_ns(s->timer, now + delta);
        return;
    }
    if (!s->initial_count || mode == 3) {
        timer_del(s->timer);
        return;
    }
    {
        int64_t period = (int64_t)s->initial_count * apic_count_ns(s);
        int64_t elapsed = now - s->count_load_ns;
        int64_t next;

        if (mode == TIMER_PERIODIC) {
            next = s->count_load_ns + (elapsed / period + 1) * period;
        } else {
            /* callers arm a count that has not fired yet (a TMICT load,
             * a TDCR change with a current count left): it is due even
             * when the clock passed the expiry since the count was read
             * (a thread preempted in between); a past time fires at once */
            next = s->count_load_ns + period;
        }
        timer_mod_ns(s->timer, next);
    }
}

static void apic_timer_cb(void *opaque)
{
    ApicState *s = opaque;
    int mode = apic_timer_mode(s);

    if (mode == TIMER_TSC_DEADLINE) {
        s->tsc_deadline = 0;
    }
    apic_lvt_fire(s, LVT_TIMER);
    if (mode == TIMER_PERIODIC) {
        apic_timer_arm(s);
    }
}

uint64_t apic_get_tsc_deadline(DeviceState *dev)
{
    ApicState *s = APIC(dev);

    return apic_timer_mode(s) == TIMER_TSC_DEADLINE ? s->tsc_deadline : 0;
}

void apic_set_tsc_deadline(DeviceState *dev, uint64_t deadline)
{
    ApicState *s = APIC(dev);

    if (apic_timer_mode(s) != TIMER_TSC_DEADLINE) {
        return;
    }
    s->tsc_deadline = deadline;
    apic_timer_arm(s);
}

/* ---- destinations and IPIs ---- */

static uint32_t apic_logical_id(ApicState *s)
{
    if (apic_x2apic_mode(s)) {
        return ((s->id >> 4) << 16) | (1u << (s->id & 0xf));
    }
    return s->ldr >> 24;
}

static bool apic_match_dest(ApicState *s, uint32_t dest, int dest_mode)
{
    if (!apic_hw_enabled(s)) {
        return false;
    }
    if (apic_x2apic_mode(s)) {
        if (dest == 0xffffffff) {
            return true;
        }
        if (dest_mode == APIC_DESTMODE_PHYSICAL) {
            return dest == s->id;
        }
        return (dest >> 16) == (apic_logical_id(s) >> 16) && (dest & apic_logical_id(s) & 0xffff);
    }
    dest &= 0xff;
    if (dest == 0xff) {
        return true;
    }
    if (dest_mode == APIC_DESTMODE_PHYSICAL) {
        return dest == (s->id & 0xff);
    }
    if ((s->dfr >> 28) == 0xf) { /* flat */
        return (dest & apic_logical_id(s)) != 0;
    }
    /* cluster: high nibble selects the cluster (15: all), low the members */
    return ((dest >> 4) == 0xf || (dest >> 4) == (apic_logical_id(s) >> 4)) &&
           (dest & apic_logical_id(s) & 0xf);
}

static void apic_init_reset(ApicState *s);

static void apic_deliver_one(ApicState *s, int delivery_mode, int vector, int trigger, bool level)
{
    switch (delivery_mode) {
    case APIC_DM_FIXED:
    case APIC_DM_LOWPRI:
        apic_set_irq(s, vector, trigger);
        break;
    case APIC_DM_NMI:
        apic_cpu_raise(s, CPU_INTERRUPT_NMI);
        break;
    case APIC_DM_SMI:
        log_mask_printf(LOG_UNIMP, "apic: SMI IPI ignored\n");
        break;
    case APIC_DM_INIT:
        if (trigger == APIC_TRIGGER_LEVEL && !level) {
            break; /* INIT level de-assert: arbitration IDs only */
        }
        apic_init_reset(s);
        s->wait_for_sipi = !(s->apicbase & MSR_IA32_APICBASE_BSP);
        apic_cpu_raise(s, CPU_INTERRUPT_INIT);
        break;
    case APIC_DM_SIPI:
        if (!s->wait_for_sipi) {
            break; /* ignored unless the CPU waits for one */
        }
        s->wait_for_sipi = 0;
        s->sipi_vector = vector;
        apic_cpu_raise(s, CPU_INTERRUPT_SIPI);
        break;
    case APIC_DM_EXTINT:
        log_mask_printf(LOG_UNIMP, "apic: ExtINT message not supported\n");
        break;
    default:
        log_mask_printf(LOG_GUEST_ERROR, "apic: reserved delivery mode %d\n", delivery_mode);
        break;
    }
}

/* deliver to the matching APICs; self/others filter for shorthands */
static void apic_bus_deliver(ApicState *src, int shorthand, uint32_t dest, int dest_mode,
                             int delivery_mode, int vector, int trigger, bool level)
{
    ApicState *targets[APIC_MAX_APICS];
    int n = 0;

    for (int i = 0; i < APIC_MAX_APICS; i++) {
        ApicState *s = apic_list[i];
        bool hit;

        if (!s) {
            continue;
        }
        switch (shorthand) {
        case 1:
            hit = s == src;
            break;
        case 2:
            hit = apic_hw_enabled(s);
            break;
        case 3:
            hit = s != src && apic_hw_enabled(s);
            break;
        default:
            hit = apic_match_dest(s, dest, dest_mode);
            break;
        }
        if (hit) {
            targets[n++] = s;
        }
    }
    if (delivery_mode == APIC_DM_LOWPRI && n > 1) {
        /* lowest priority: one target, the first created among them */
        int best = 0;

        for (int i = 1; i < n; i++) {
            if (targets[i]->cpu_order < targets[best]->cpu_order) {
                best = i;
            }
        }
        targets[0] = targets[best];
        n = 1;
    }
    for (int i = 0; i < n; i++) {
        apic_deliver_one(targets[i], delivery_mode, vector, trigger, level);
    }
}

void apic_deliver_irq(uint32_t dest, int dest_mode, int delivery_mode, int vector, int trigger)
{
    apic_bus_deliver(NULL, 0, dest, dest_mode, delivery_mode, vector & 0xff, trigger, true);
}

static void apic_send_ipi(ApicState *s)
{
    uint32_t lo = s->icr_lo;
    int vector = lo & 0xff;
    int mode = (lo >> 8) & 7;
    int shorthand = (lo >> 18) & 3;
    uint32_t dest = apic_x2apic_mode(s) ? s->icr_hi : s->icr_hi >> 24;

    if ((mode == APIC_DM_FIXED || mode == APIC_DM_LOWPRI) && vector < 16) {
        apic_error(s, ESR_SEND_ILLEGAL_VECTOR);
        return;
    }
    if (shorthand == 1 && mode != APIC_DM_FIXED) {
        log_mask_printf(LOG_GUEST_ERROR, "apic: self IPI with delivery mode %d\n", mode);
        return;
    }
    apic_bus_deliver(s, shorthand, dest, (lo >> 11) & 1, mode, vector,
                     (lo & ICR_TRIGGER_LEVEL) ? APIC_TRIGGER_LEVEL : APIC_TRIGGER_EDGE,
                     (lo & ICR_LEVEL_ASSERT) != 0);
}

static void apic_eoi(ApicState *s)
{
    int v = bit_highest(s->isr);

    if (v < 0) {
        return;
    }
    bit_clear(s->isr, v);
    if (bit_test(s->tmr, v) && apic_eoi_fn) {
        apic_eoi_fn(apic_eoi_opaque, v);
    }
    apic_update_irq(s);
}

/* ---- registers ---- */

/* false: no such readable register */
static bool apic_reg_read(ApicState *s, int index, uint64_t *val)
{
    uint64_t v;

    switch (index) {
    case APIC_R_ID:
        v = apic_x2apic_mode(s) ? s->id : (s->id & 0xff) << 24;
        break;
    case APIC_R_VERSION:
        v = APIC_VERSION;
        break;
    case APIC_R_TPR:
        v = s->tpr;
        break;
    case APIC_R_APR:
        v = apic_x2apic_mode(s) ? 0 : s->arb;
        if (apic_x2apic_mode(s)) {
            return false;
        }
        break;
    case APIC_R_PPR:
        v = apic_ppr(s);
        break;
    case APIC_R_LDR:
        v = apic_x2apic_mode(s) ? apic_logical_id(s) : s->ldr;
        break;
    case APIC_R_DFR:
        if (apic_x2apic_mode(s)) {
            return false;
        }
        v = s->dfr;
        break;
    case APIC_R_SVR:
        v = s->svr;
        break;
    case APIC_R_ISR ... APIC_R_ISR + 7:
        v = s->isr[index - APIC_R_ISR];
        break;
    case APIC_R_TMR ... APIC_R_TMR + 7:
        v = s->tmr[index - APIC_R_TMR];
        break;
    case APIC_R_IRR ... APIC_R_IRR + 7:
        v = s->irr[index - APIC_R_IRR];
        break;
    case APIC_R_ESR:
        v = s->esr;
        break;
    case APIC_R_ICR_LO:
        v = apic_x2apic_mode(s) ? s->icr_lo | (uint64_t)s->icr_hi << 32 : s->icr_lo;
        break;
    case APIC_R_ICR_HI:
        if (apic_x2apic_mode(s)) {
            return false;
        }
        v = s->icr_hi;
        break;
    case APIC_R_LVT ... APIC_R_LVT + LVT_NUM - 1:
        v = s->lvt[index - APIC_R_LVT];
        break;
    case APIC_R_TMICT:
        v = s->initial_count;
        break;
    case APIC_R_TMCCT:
        v = apic_current_count(s);
        break;
    case APIC_R_TDCR:
        v = s->divide_conf;
        break;
    default:
        return false;
    }
    *val = v;
    return true;
}

static const uint32_t lvt_writable[LVT_NUM] = {
    [LVT_TIMER] = 0x700ff,   /* vector, mask, mode (bits 18:17 below) */
    [LVT_THERMAL] = 0x107ff, /* vector, delivery mode, mask */
    [LVT_PERF] = 0x107ff,
    [LVT_LINT0] = 0x1a7ff, /* + polarity, trigger mode */
    [LVT_LINT1] = 0x1a7ff,
    [LVT_ERROR] = 0x100ff,
};

static void apic_write_lvt(ApicState *s, int n, uint32_t val)
{
    uint32_t mask = lvt_writable[n];
    int old_mode = apic_timer_mode(s);

    if (n == LVT_TIMER) {
        mask |= 3u << LVT_TIMER_MODE_SHIFT;
    }
    if (!(s->svr & SVR_ENABLE)) {
        val |= LVT_MASKED; /* software disabled: the masks stay set */
    }
    if (n == LVT_LINT1) {
        mask &= ~LVT_LEVEL; /* LINT1 is always edge-triggered */
    }
    s->lvt[n] = (s->lvt[n] & ~mask) | (val & mask);
    if (n == LVT_TIMER && apic_timer_mode(s) != old_mode) {
        /* a mode switch disarms the timer (SDM 10.5.4.1) */
        s->initial_count = 0;
        s->tsc_deadline = 0;
        timer_del(s->timer);
    }
    if (n == LVT_LINT0) {
        apic_update_irq(s); /* ExtINT acceptance may change */
    }
}

/* false: no such writable register (the caller signals the error) */
static bool apic_reg_write(ApicState *s, int index, uint64_t val)
{
    uint32_t v = (uint32_t)val;

    switch (index) {
    case APIC_R_ID:
        if (apic_x2apic_mode(s)) {
            return false; /* read-only in x2APIC mode */
        }
        s->id = v >> 24;
        break;
    case APIC_R_TPR:
        s->tpr = v & 0xff;
        apic_update_irq(s);
        break;
    case APIC_R_APR:
        s->arb = v & 0xff;
        break;
    case APIC_R_EOI:
        if (apic_x2apic_mode(s) && v) {
            return false;
        }
        apic_eoi(s);
        break;
    case APIC_R_LDR:
        if (apic_x2apic_mode(s)) {
            return false;
        }
        s->ldr = v & 0xff000000;
        break;
    case APIC_R_DFR:
        if (apic_x2apic_mode(s)) {
            return false;
        }
        s->dfr = v | 0x0fffffff;
        break;
    case APIC_R_SVR:
        s->svr = v & 0x13ff;
        if (!(s->svr & SVR_ENABLE)) {
            for (int i = 0; i < LVT_NUM; i++) {
                s->lvt[i] |= LVT_MASKED;
            }
        }
        apic_update_irq(s);
        break;
    case APIC_R_ESR:
        if (apic_x2apic_mode(s) && v) {
            return false;
        }
        s->esr = s->esr_pending;
        s->esr_pending = 0;
        break;
    case APIC_R_ICR_LO:
        if (apic_x2apic_mode(s)) {
            s->icr_hi = val >> 32;
        }
        s->icr_lo = v & ~(1u << 12); /* delivery status: always idle */
        apic_send_ipi(s);
        break;
    case APIC_R_ICR_HI:
        if (apic_x2apic_mode(s)) {
            return false;
        }
        s->icr_hi = v & 0xff000000;
        break;
    case APIC_R_LVT ... APIC_R_LVT + LVT_NUM - 1:
        apic_write_lvt(s, index - APIC_R_LVT, v);
        break;
    case APIC_R_TMICT:
        if (apic_timer_mode(s) == TIMER_TSC_DEADLINE) {
            break; /* ignored in TSC-deadline mode */
        }
        s->initial_count = v;
        s->count_load_ns = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
        apic_timer_arm(s);
        break;
    case APIC_R_TDCR: {
        uint32_t cur = apic_current_count(s);

        s->divide_conf = v & 0xb;
        if (s->initial_count && apic_timer_mode(s) != TIMER_TSC_DEADLINE) {
            /* keep the current count; it goes on at the new rate */
            s->count_load_ns = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) -
                               (int64_t)(s->initial_count - cur) * apic_count_ns(s);
            if (cur) {
                apic_timer_arm(s);
            }
        }
        break;
    }
    case APIC_R_SELF_IPI:
        if (!apic_x2apic_mode(s)) {
            return false;
        }
        apic_set_irq(s, v & 0xff, APIC_TRIGGER_EDGE);
        break;
    default:
        return false;
    }
    return true;
}

/* ---- xAPIC page ---- */

static ApicState *apic_current(void)
{
    CPUState *cs = apic_hooks.current_cpu ? apic_hooks.current_cpu() : NULL;

    return cs ? (ApicState *)apic_find_by_cpu(cs) : NULL;
}

static uint64_t apic_mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    ApicState *s = apic_current();
    uint64_t v = 0;

    if (!s || !apic_hw_enabled(s) || apic_x2apic_mode(s)) {
        log_mask_printf(LOG_GUEST_ERROR, "apic: MMIO read %#llx with no xAPIC enabled\n",
                        (unsigned long long)addr);
        return 0;
    }
    if ((addr & 0xf) + size > 4) {
        log_mask_printf(LOG_GUEST_ERROR, "apic: read of %u bytes at %#llx\n", size,
                        (unsigned long long)addr);
        return 0;
    }
    if (!apic_reg_read(s, addr >> 4, &v) || (addr >> 4) == APIC_R_SELF_IPI) {
        apic_error(s, ESR_ILLEGAL_REGISTER);
        return 0;
    }
    return (uint32_t)v >> ((addr & 3) * 8);
}

static void apic_mmio_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    ApicState *s = apic_current();

    if (!s || !apic_hw_enabled(s) || apic_x2apic_mode(s)) {
        log_mask_printf(LOG_GUEST_ERROR, "apic: MMIO write %#llx with no xAPIC enabled\n",
                        (unsigned long long)addr);
        return;
    }
    if ((addr & 0xf) != 0 || size != 4) {
        /* the SDM requires aligned 32-bit accesses */
        log_mask_printf(LOG_GUEST_ERROR, "apic: write of %u bytes at %#llx ignored\n", size,
                        (unsigned long long)addr);
        return;
    }
    if (!apic_reg_write(s, addr >> 4, val)) {
        apic_error(s, ESR_ILLEGAL_REGISTER);
    }
}

static const MemoryRegionOps apic_mmio_ops = {
    .read = apic_mmio_read,
    .write = apic_mmio_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

void apic_mmio_map(MemoryRegion *sysmem)
{
    if (apic_mmio_inited) {
        return;
    }
    memory_region_init_io(&apic_mmio, NULL, &apic_mmio_ops, NULL, "apic", 0x1000);
    memory_region_add_subregion_overlap(sysmem, APIC_DEFAULT_ADDRESS, &apic_mmio, 4096);
    apic_mmio_inited = true;
}

/* ---- MSRs ---- */

uint64_t apic_get_base(DeviceState *dev)
{
    return APIC(dev)->apicbase;
}

bool apic_set_base(DeviceState *dev, uint64_t val)
{
    ApicState *s = APIC(dev);
    uint64_t old = s->apicbase;
    uint64_t writable = MSR_IA32_APICBASE_ENABLE | MSR_IA32_APICBASE_EXTD | 0x000ffffffffff000ULL;

    if (val & ~writable & ~MSR_IA32_APICBASE_BSP) {
        return false;
    }
    /* x2APIC transitions (x2APIC spec 2.2): EXTD needs ENABLE; x2APIC ->
     * xAPIC directly is invalid; so is disabled -> x2APIC. */
    if ((val & MSR_IA32_APICBASE_EXTD) && !(val & MSR_IA32_APICBASE_ENABLE)) {
        return false;
    }
    if ((old & MSR_IA32_APICBASE_EXTD) && (val & MSR_IA32_APICBASE_ENABLE) &&
        !(val & MSR_IA32_APICBASE_EXTD)) {
        return false;
    }
    if (!(old & MSR_IA32_APICBASE_ENABLE) && (val & MSR_IA32_APICBASE_EXTD)) {
        return false;
    }
    s->apicbase = (val & writable) | (old & MSR_IA32_APICBASE_BSP);
    if ((old & MSR_IA32_APICBASE_ENABLE) && !(val & MSR_IA32_APICBASE_ENABLE)) {
        /* global disable: the APIC goes to its reset state (ID and base kept) */
        uint64_t base = s->apicbase;

        apic_init_reset(s);
        s->apicbase = base;
        s->svr = 0xff;
    }
    if (apic_mmio_inited && (s->apicbase & 0x000ffffffffff000ULL) != APIC_DEFAULT_ADDRESS &&
        ((s->apicbase ^ old) & 0x000ffffffffff000ULL)) {
        log_mask_printf(LOG_UNIMP, "apic: base moved to %#llx (the shared page moves)\n",
                        (unsigned long long)(s->apicbase & 0x000ffffffffff000ULL));
        memory_region_set_address(&apic_mmio, s->apicbase & 0x000ffffffffff000ULL);
    }
    apic_update_irq(s);
    return true;
}

bool apic_msr_read(DeviceState *dev, uint32_t msr, uint64_t *val)
{
    ApicState *s = APIC(dev);
    int index = msr - MSR_X2APIC_FIRST;

    if (!apic_x2apic_mode(s) || msr < MSR_X2APIC_FIRST || msr > MSR_X2APIC_LAST ||
        index == APIC_R_SELF_IPI) {
        return false;
    }
    return apic_reg_read(s, index, val);
}

bool apic_msr_write(DeviceState *dev, uint32_t msr, uint64_t val)
{
    ApicState *s = APIC(dev);
    int index = msr - MSR_X2APIC_FIRST;

    if (!apic_x2apic_mode(s) || msr < MSR_X2APIC_FIRST || msr > MSR_X2APIC_LAST) {
        return false;
    }
    /* read-only registers #GP on write */
    switch (index) {
    case APIC_R_VERSION:
    case APIC_R_PPR:
    case APIC_R_ISR ... APIC_R_IRR + 7:
    case APIC_R_TMCCT:
        return false;
    default:
        break;
    }
    if (index != APIC_R_ICR_LO && (val >> 32)) {
        return false;
    }
    return apic_reg_write(s, index, val);
}

uint8_t apic_get_cr8(DeviceState *dev)
{
    return APIC(dev)->tpr >> 4;
}

void apic_set_cr8(DeviceState *dev, uint8_t cr8)
{
    ApicState *s = APIC(dev);

    s->tpr = (cr8 & 0xf) << 4;
    apic_update_irq(s);
}

int apic_get_sipi_vector(DeviceState *dev)
{
    return APIC(dev)->sipi_vector;
}

/* ---- CPU interface ---- */

int apic_get_interrupt(DeviceState *dev)
{
    ApicState *s = APIC(dev);
    int v = apic_deliverable(s);

    if (v >= 0) {
        bit_clear(s->irr, v);
        bit_set(s->isr, v);
    }
    apic_update_irq(s);
    return v;
}

bool apic_accept_pic_intr(DeviceState *dev)
{
    return apic_lint0_extint(APIC(dev));
}

DeviceState *apic_find_by_cpu(CPUState *cpu)
{
    for (int i = 0; i < APIC_MAX_APICS; i++) {
        if (apic_list[i] && apic_list[i]->cpu == cpu) {
            return &apic_list[i]->parent;
        }
    }
    return NULL;
}

DeviceState *apic_create(CPUState *cpu, uint32_t id, bool bsp)
{
    DeviceState *dev = qdev_new(TYPE_APIC, &error_abort);
    ApicState *s = APIC(dev);

    s->cpu = cpu;
    qdev_prop_set_uint32(dev, "id", id);
    qdev_prop_set_bit(dev, "bsp", bsp);
    qdev_realize(dev, NULL, &error_abort);
    device_cold_reset(dev);
    return dev;
}

/* ---- device ---- */

/* The INIT reset (SDM 11.4.7.3): everything but ID and APIC base. */
static void apic_init_reset(ApicState *s)
{
    s->tpr = 0;
    s->arb = 0;
    s->ldr = 0;
    s->dfr = 0xffffffff;
    s->svr = 0xff;
    memset(s->isr, 0, sizeof(s->isr));
    memset(s->tmr, 0, sizeof(s->tmr));
    memset(s->irr, 0, sizeof(s->irr));
    s->esr = s->esr_pending = 0;
    s->icr_lo = s->icr_hi = 0;
    for (int i = 0; i < LVT_NUM; i++) {
        s->lvt[i] = LVT_MASKED;
    }
    s->initial_count = 0;
    s->divide_conf = 0;
    s->count_load_ns = 0;
    s->tsc_deadline = 0;
    s->wait_for_sipi = 0;
    timer_del(s->timer);
    apic_update_irq(s);
}

static void apic_reset(DeviceState *dev)
{
    ApicState *s = APIC(dev);

    s->id = s->prop_id;
    s->apicbase = APIC_DEFAULT_ADDRESS | MSR_IA32_APICBASE_ENABLE |
                  (s->bsp ? MSR_IA32_APICBASE_BSP : 0);
    apic_init_reset(s);
    s->sipi_vector = 0;
    if (s->bsp) {
        /* Firmware (SeaBIOS) expects the BSP's LINT0 in virtual wire mode
         * so the 8259 keeps working once the OS enables the APIC. */
        s->lvt[LVT_LINT0] = APIC_DM_EXTINT << 8;
    }
    if (apic_mmio_inited) {
        memory_region_set_address(&apic_mmio, APIC_DEFAULT_ADDRESS);
    }
    apic_update_irq(s);
}

static void apic_instance_init(DeviceState *dev)
{
    qdev_init_gpio_in(dev, apic_lint_input, 2);
}

static bool apic_realize(DeviceState *dev, Error **errp)
{
    ApicState *s = APIC(dev);
    int slot = -1;

    for (int i = 0; i < APIC_MAX_APICS; i++) {
        if (apic_list[i] && apic_list[i]->prop_id == s->prop_id) {
            error_setg(errp, "apic: APIC ID %u is used twice", s->prop_id);
            return false;
        }
        if (!apic_list[i] && slot < 0) {
            slot = i;
        }
    }
    if (slot < 0) {
        error_setg(errp, "apic: more than %d APICs", APIC_MAX_APICS);
        return false;
    }
    s->timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, apic_timer_cb, s);
    s->cpu_order = apic_next_order++;
    s->id = s->prop_id;
    apic_list[slot] = s;
    return true;
}

static void apic_unrealize(DeviceState *dev)
{
    ApicState *s = APIC(dev);

    for (int i = 0; i < APIC_MAX_APICS; i++) {
        if (apic_list[i] == s) {
            apic_list[i] = NULL;
        }
    }
    timer_free(s->timer);
    s->timer = NULL;
}

static int apic_post_load(void *opaque, int version_id)
{
    ApicState *s = opaque;

    if (s->divide_conf & ~0xbu) {
        return -EINVAL;
    }
    apic_update_irq(s);
    return 0;
}

static const VMStateField apic_vmstate_fields[] = {
    VMSTATE_UINT64(apicbase, ApicState),
    VMSTATE_UINT32(id, ApicState),
    VMSTATE_UINT8(tpr, ApicState),
    VMSTATE_UINT8(arb, ApicState),
    VMSTATE_UINT32(ldr, ApicState),
    VMSTATE_UINT32(dfr, ApicState),
    VMSTATE_UINT32(svr, ApicState),
    VMSTATE_UINT32_ARRAY(isr, ApicState, 8),
    VMSTATE_UINT32_ARRAY(tmr, ApicState, 8),
    VMSTATE_UINT32_ARRAY(irr, ApicState, 8),
    VMSTATE_UINT32(esr, ApicState),
    VMSTATE_UINT32(esr_pending, ApicState),
    VMSTATE_UINT32(icr_lo, ApicState),
    VMSTATE_UINT32(icr_hi, ApicState),
    VMSTATE_UINT32_ARRAY(lvt, ApicState, LVT_NUM),
    VMSTATE_UINT32(initial_count, ApicState),
    VMSTATE_UINT32(divide_conf, ApicState),
    VMSTATE_INT64(count_load_ns, ApicState),
    VMSTATE_UINT64(tsc_deadline, ApicState),
    VMSTATE_UINT8_ARRAY(lint_level, ApicState, 2),
    VMSTATE_UINT8(wait_for_sipi, ApicState),
    VMSTATE_UINT8(sipi_vector, ApicState),
    VMSTATE_TIMER_PTR(timer, ApicState),
    VMSTATE_END_OF_LIST(),
};

static const VMStateDescription vmstate_apic = {
    .name = "apic",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = apic_vmstate_fields,
    .post_load = apic_post_load,
};

static const Property apic_props[] = {
    DEFINE_PROP_UINT32("id", ApicState, prop_id, 0),
    DEFINE_PROP_BOOL("bsp", ApicState, bsp, false),
    DEFINE_PROP_END_OF_LIST(),
};

static const DeviceTypeInfo apic_info = {
    .name = TYPE_APIC,
    .instance_size = sizeof(ApicState),
    .desc = "local APIC",
    .props = apic_props,
    .vmsd = &vmstate_apic,
    .instance_init = apic_instance_init,
    .realize = apic_realize,
    .unrealize = apic_unrealize,
    .reset = apic_reset,
};
DEVICE_TYPE(apic_info)
