/**
 * The bits of an inline port-read word ({@link Vcpu.answerPortReads}) that hold the byte a read
 * returns. While any bit above them is set the read is not answered inline: it exits to the VMM
 * as usual, whose device then has side effects to apply (e.g. a status register that clears on
 * read) or a value the word cannot hold.
 */
export const INLINE_READ_VALUE_MASK = 0xff;
