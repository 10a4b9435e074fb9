/*
 * The human monitor (HMP): a "(tern)" prompt on a chardev (monitor/hmp.c).
 */
#ifndef MONITOR_MONITOR_H
#define MONITOR_MONITOR_H

#include <stdbool.h>
#include <stdint.h>

#include "chardev/char.h"
#include "hw/core/cpu.h"
#include "util/error.h"

/* Start a monitor on chr (a mux: it becomes one of its frontends). */
bool monitor_init_hmp(Chardev *chr, Error **errp);

/* Run one command line, its output to out (tests, and the chardev path). */
void hmp_execute(const char *line, FILE *out);

/* The target's page walk for "x" (virtual addresses): false if addr is
 * not mapped. Set by the machine; without it "x" reads physical memory. */
void hmp_set_virt_to_phys(bool (*fn)(CPUState *cs, uint64_t addr, uint64_t *paddr));

/* Free the monitors (at exit). */
void monitor_cleanup(void);

#endif
