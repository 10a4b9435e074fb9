/*
 * Local APIC (one per CPU): the xAPIC MMIO page, the x2APIC MSRs, the
 * APIC timer (one-shot, periodic, TSC-deadline), IPIs, and the interface
 * the CPU and the board use. See hw/intc/apic.c for what is modelled.
 *
 * Wiring (the board):
 *   apic_set_cpu_hooks(&hooks);            once: how to reach the CPUs
 *   dev = apic_create(cpu, id, bsp);       one per CPU, realized
 *   apic_mmio_map(get_system_memory());    once: the shared MMIO page
 *   apic_set_eoi_broadcast(ioapic_eoi, s); once: level EOIs to the IOAPIC
 *   PIC INT -> qdev_get_gpio_in(bsp_apic, APIC_GPIO_LINT0)
 *   X86CPU.get_irq_vector: v = apic_get_interrupt(apic); if (v < 0 &&
 *       apic_accept_pic_intr(apic) && pic_get_output(pic)) v = pic_read_irq(pic);
 * The APIC then owns the CPU's CPU_INTERRUPT_HARD bit: it raises it while
 * an APIC vector is deliverable or LINT0 (ExtINT, virtual wire mode)
 * carries the 8259's request, and lowers it otherwise.
 *
 * Timer bus clock: APIC_BUS_FREQ_HZ (1 GHz), so one count lasts
 * "divide" nanoseconds of QEMU_CLOCK_VIRTUAL.
 */
#ifndef HW_INTC_APIC_H
#define HW_INTC_APIC_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/core/cpu.h"
#include "hw/core/qdev.h"

typedef struct MemoryRegion MemoryRegion;

#define TYPE_APIC "apic"

#define APIC_DEFAULT_ADDRESS 0xfee00000ULL
#define APIC_BUS_FREQ_HZ 1000000000LL
#define APIC_VERSION 0x50014 /* version 0x14, 6 LVT entries (max LVT 5) */
#define APIC_MAX_APICS 256

/* IA32_APIC_BASE bits */
#define MSR_IA32_APICBASE_BSP (1ULL << 8)
#define MSR_IA32_APICBASE_EXTD (1ULL << 10) /* x2APIC mode */
#define MSR_IA32_APICBASE_ENABLE (1ULL << 11)
#define MSR_IA32_APICBASE_BASE 0xfffff000ULL /* bits 12-35 on a 36-bit bus; we allow 12-51 */
#define MSR_IA32_TSC_DEADLINE 0x6e0
#define MSR_X2APIC_FIRST 0x800
#define MSR_X2APIC_LAST 0x8ff

/* gpio inputs of the device */
#define APIC_GPIO_LINT0 0
#define APIC_GPIO_LINT1 1

/* delivery modes (ICR, LVT, IOAPIC redirection entries, MSI) */
#define APIC_DM_FIXED 0
#define APIC_DM_LOWPRI 1
#define APIC_DM_SMI 2
#define APIC_DM_NMI 4
#define APIC_DM_INIT 5
#define APIC_DM_SIPI 6
#define APIC_DM_EXTINT 7

#define APIC_DESTMODE_PHYSICAL 0
#define APIC_DESTMODE_LOGICAL 1
#define APIC_TRIGGER_EDGE 0
#define APIC_TRIGGER_LEVEL 1

/*
 * How the APICs reach their CPUs; one set for the machine. NULL members
 * take the defaults: interrupt/reset_interrupt = cpu_interrupt /
 * cpu_reset_interrupt (the board adds a kick so a halted vCPU wakes),
 * read_tsc = none (TSC-deadline mode then never fires; the CPU must not
 * advertise it).
 */
typedef struct ApicCpuHooks {
    void (*interrupt)(CPUState *cs, uint32_t mask);
    void (*reset_interrupt)(CPUState *cs, uint32_t mask);
    /* the CPU whose thread is accessing the MMIO page (current_cpu) */
    CPUState *(*current_cpu)(void);
    /* the guest TSC of cs now, and the rate it advances at (Hz) */
    uint64_t (*read_tsc)(CPUState *cs);
    uint64_t tsc_hz;
} ApicCpuHooks;

void apic_set_cpu_hooks(const ApicCpuHooks *hooks);

/* Create and realize the APIC of cpu with APIC ID id (also cpu_index
 * order for lowest-priority delivery). bsp sets IA32_APIC_BASE.BSP and
 * puts LINT0 in ExtINT (virtual wire) mode at reset, as firmware expects. */
DeviceState *apic_create(CPUState *cpu, uint32_t id, bool bsp);
/* The APIC of a CPU (NULL if none). */
DeviceState *apic_find_by_cpu(CPUState *cpu);

/* Map the xAPIC page (shared by all APICs: an access goes to the APIC of
 * hooks.current_cpu()) into sysmem at the APIC base. */
void apic_mmio_map(MemoryRegion *sysmem);

/* Level-triggered EOIs are broadcast (vector) to this, once per EOI. */
void apic_set_eoi_broadcast(void (*fn)(void *opaque, int vector), void *opaque);

/* ---- what the CPU calls ---- */

/* Acknowledge the highest deliverable vector (IRR -> ISR); -1 if none. */
int apic_get_interrupt(DeviceState *dev);
/* May the CPU take an 8259 interrupt (LINT0 in ExtINT mode unmasked, or
 * the APIC globally disabled: LINT0 is then the plain INTR pin)? */
bool apic_accept_pic_intr(DeviceState *dev);

/* IA32_APIC_BASE: returns false if the write must raise #GP (reserved
 * bits, an invalid x2APIC transition). */
uint64_t apic_get_base(DeviceState *dev);
bool apic_set_base(DeviceState *dev, uint64_t val);
/* x2APIC MSRs 0x800-0x8ff: false means #GP (not in x2APIC mode, a
 * reserved or read-only/write-only register). */
bool apic_msr_read(DeviceState *dev, uint32_t msr, uint64_t *val);
bool apic_msr_write(DeviceState *dev, uint32_t msr, uint64_t val);
/* IA32_TSC_DEADLINE (0x6e0). Writes are ignored unless the LVT timer is
 * in TSC-deadline mode; 0 disarms. */
uint64_t apic_get_tsc_deadline(DeviceState *dev);
void apic_set_tsc_deadline(DeviceState *dev, uint64_t deadline);
/* CR8 <-> TPR[7:4] */
uint8_t apic_get_cr8(DeviceState *dev);
void apic_set_cr8(DeviceState *dev, uint8_t cr8);

/*
 * INIT/SIPI: an INIT IPI resets the target APIC (as its INIT reset: ID and
 * base kept) and raises CPU_INTERRUPT_INIT on the target CPU; an AP then
 * waits for SIPI. A SIPI to an AP waiting for it stores the vector and
 * raises CPU_INTERRUPT_SIPI; the CPU reads the vector here and starts in
 * real mode at CS = vector << 8 (base vector << 12), IP = 0.
 */
int apic_get_sipi_vector(DeviceState *dev);

/* ---- what the IOAPIC (and MSI) calls ---- */

/* Deliver an interrupt message to every APIC the destination selects
 * (dest: 8-bit xAPIC / 32-bit x2APIC id or logical mask). */
void apic_deliver_irq(uint32_t dest, int dest_mode, int delivery_mode, int vector, int trigger);

#endif
