/*
 * The stdio backend: the emulator's own terminal.
 *
 * When stdin is a tty it is put in raw mode (no echo, no line editing,
 * 8-bit clean; output post-processing stays on so "\n" still returns the
 * carriage). With signal=on (the default) Ctrl-C still kills the emulator;
 * signal=off (what "mon:stdio" uses) passes it to the guest. The original
 * settings come back at exit, on SIGTERM/SIGINT/SIGHUP/SIGQUIT (when
 * nobody else handles those), around a Ctrl-Z suspension, and at
 * qemu_chr_restore_terminal().
 *
 * There is one terminal, so only one stdio chardev may exist.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "chardev-internal.h"

static Chardev *stdio_owner; /* the one stdio chardev */
static struct termios stdio_saved_tty;
static struct termios stdio_raw_tty;
static volatile sig_atomic_t stdio_tty_raw;
static bool stdio_hooks_installed;

void qemu_chr_restore_terminal(void)
{
    if (stdio_tty_raw) {
        tcsetattr(0, TCSANOW, &stdio_saved_tty);
        stdio_tty_raw = 0;
    }
}

static void stdio_atexit(void)
{
    qemu_chr_restore_terminal();
}

/* A fatal signal with no other handler: restore, then die of it. */
static void stdio_fatal_signal(int sig)
{
    qemu_chr_restore_terminal();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void stdio_sigtstp(int sig)
{
    sigset_t set;

    qemu_chr_restore_terminal();
    signal(SIGTSTP, SIG_DFL);
    /* The handler runs with SIGTSTP blocked: unblock it so the default
     * action (stop) happens right here. */
    sigemptyset(&set);
    sigaddset(&set, SIGTSTP);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    raise(SIGTSTP);
    /* Resumed: SIGCONT put the raw settings back. */
    signal(SIGTSTP, stdio_sigtstp);
}

static void stdio_sigcont(int sig)
{
    if (stdio_owner && !stdio_tty_raw && isatty(0)) {
        tcsetattr(0, TCSANOW, &stdio_raw_tty);
        stdio_tty_raw = 1;
    }
}

/* Install handler for sig unless the program already handles it. */
static void stdio_hook_signal(int sig, void (*handler)(int))
{
    struct sigaction old, sa;

    if (sigaction(sig, NULL, &old) < 0 || old.sa_handler != SIG_DFL ||
        (old.sa_flags & SA_SIGINFO)) {
        return;
    }
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

static void stdio_make_raw(bool allow_signals)
{
    struct termios tty;

    if (!isatty(0) || tcgetattr(0, &stdio_saved_tty) < 0) {
        return;
    }
    tty = stdio_saved_tty;
    tty.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    tty.c_oflag |= OPOST;
    tty.c_lflag &= ~(ECHO | ECHONL | ICANON | IEXTEN);
    if (!allow_signals) {
        tty.c_lflag &= ~ISIG;
    }
    tty.c_cflag &= ~(CSIZE | PARENB);
    tty.c_cflag |= CS8;
    tty.c_cc[VMIN] = 1;
    tty.c_cc[VTIME] = 0;
    stdio_raw_tty = tty;
    if (!stdio_hooks_installed) {
        stdio_hooks_installed = true;
        atexit(stdio_atexit);
        stdio_hook_signal(SIGTERM, stdio_fatal_signal);
        stdio_hook_signal(SIGINT, stdio_fatal_signal);
        stdio_hook_signal(SIGHUP, stdio_fatal_signal);
        stdio_hook_signal(SIGQUIT, stdio_fatal_signal);
        stdio_hook_signal(SIGTSTP, stdio_sigtstp);
        stdio_hook_signal(SIGCONT, stdio_sigcont);
    }
    if (tcsetattr(0, TCSANOW, &tty) == 0) {
        stdio_tty_raw = 1;
    }
}

static bool stdio_open(Chardev *chr, ChardevOpts *opts, bool *be_opened, Error **errp)
{
    ChardevFd *s = (ChardevFd *)chr;
    Error *local_err = NULL;
    bool allow_signals = chardev_opt_get_bool(opts, "signal", true, &local_err);

    if (local_err) {
        error_propagate(errp, local_err);
        return false;
    }
    if (stdio_owner) {
        error_setg(errp, "chardev: stdio is already used by chardev '%s'", stdio_owner->label);
        return false;
    }
    stdio_owner = chr;
    stdio_make_raw(allow_signals);
    chardev_fd_setup(s, 0, 1, false);
    return true;
}

static void stdio_finalize(Chardev *chr)
{
    if (stdio_owner != chr) {
        return; /* open failed before taking the terminal */
    }
    chardev_fd_finalize(chr);
    qemu_chr_restore_terminal();
    stdio_owner = NULL;
}

const ChardevClass char_stdio_class = {
    .name = "stdio",
    .instance_size = sizeof(ChardevFd),
    .open = stdio_open,
    .chr_write = chardev_fd_write,
    .chr_wait_writable = chardev_fd_wait_writable,
    .chr_write_fd = chardev_fd_write_fd,
    .finalize = stdio_finalize,
};
