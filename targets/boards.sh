# boards.sh: the emulated boards the bare-metal programs run on, sourced by the scripts here.
# qnn_board NAME sets CC, NM, SIZE, CFLAGS (the model is built as the README measures it: -Os),
# LDSCRIPT and QEMU (the emulator command without the program).
qnn_board() {
    case "$1" in
    cortex-m4)
        CC=arm-none-eabi-gcc NM=arm-none-eabi-nm SIZE=arm-none-eabi-size
        CFLAGS="-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16"
        LDSCRIPT=cortex-m4/mps2-an386.ld
        QEMU="qemu-system-arm -M mps2-an386" ;;
    rv32ec)
        CC=riscv64-unknown-elf-gcc NM=riscv64-unknown-elf-nm SIZE=riscv64-unknown-elf-size
        CFLAGS="--specs=picolibc.specs -march=rv32ec -mabi=ilp32e"
        LDSCRIPT=rv32ec/virt.ld
        QEMU="qemu-system-riscv32 -M virt -bios none -cpu rv32,i=off,e=on,m=off,a=off,f=off,d=off,c=on,h=off" ;;
    *)
        echo "unknown board '$1' (cortex-m4, rv32ec)" >&2
        return 2 ;;
    esac
    QEMU="$QEMU -nographic -monitor none -semihosting-config enable=on,target=native"
}
