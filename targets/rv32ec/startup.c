/* startup.c: an RV32EC bare-metal start (the CH32V003's instruction set) for QEMU's virt board
   (qemu-system-riscv32 -M virt -bios none -cpu rv32,i=off,e=on,m=off,a=off,f=off,d=off,c=on
   -semihosting): stack and global pointers, .data and .bss set up, the stack painted for
   qnn_stack_used, then main; text and exit through RISC-V semihosting. */
#include "../target.h"

int main(void);
extern uint32_t __qnn_stack_bottom[], __qnn_stack_top[];
extern uint32_t __data_load[], __data_start[], __data_end[], __bss_start[], __bss_end[];

__asm__(
    "    .section .text.qnn_reset\n"
    "    .globl qnn_reset\n"
    "qnn_reset:\n"
    "    .option push\n"
    "    .option norelax\n"
    "    la gp, __global_pointer$\n"
    "    .option pop\n"
    "    la sp, __qnn_stack_top\n"
    "    j qnn_start\n"
    /* The semihosting call: these three uncompressed instructions, in this order and aligned. */
    "    .balign 16\n"
    "    .option push\n"
    "    .option norvc\n"
    "qnn_semihost:\n"
    "    slli zero, zero, 0x1f\n"
    "    ebreak\n"
    "    srai zero, zero, 7\n"
    "    ret\n"
    "    .option pop\n");

int qnn_semihost(int operation, const void *argument);

void qnn_target_write(const char *text) { qnn_semihost(0x04, text); }  /* SYS_WRITE0 */

void qnn_target_exit(int status)
{
    /* SYS_EXIT on a 32-bit target: ADP_Stopped_ApplicationExit makes QEMU exit 0, other reasons 1. */
    qnn_semihost(0x18, (const void *)(status == 0 ? 0x20026u : 0x20023u));
    for (;;) {
    }
}

void qnn_start(void)
{
    uint32_t *p, *q, *sp;
    for (p = __data_start, q = __data_load; p < __data_end;)
        *p++ = *q++;
    for (p = __bss_start; p < __bss_end;)
        *p++ = 0u;
    __asm__ volatile("mv %0, sp" : "=r"(sp));
    for (p = __qnn_stack_bottom; p < sp - 4; p++)
        *p = 0x5A5A5A5Au;
    qnn_target_exit(main());
}
