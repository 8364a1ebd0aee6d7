# Bulk INT8 dot products with AVX-512 VNNI, the machine code behind dev.aeon.index.kernel.VnniBulkDot.
# Regenerate that class's byte table with ./assemble (needs GNU as and objdump; the build does not).
#
#   void bulk_dot_i8(const int8_t *query, const int8_t *codes, int64_t dim, int64_t count,
#                    int32_t *out, int64_t correction)
#   out[v] = sum_j (codes[v * dim + j] + 128) * query[j] - correction,  for v in [0, count)
#
# vpdpbusd multiplies unsigned bytes by signed bytes and adds each four products into a 32-bit lane. The
# codes are signed, so each is made unsigned by flipping its top bit (c + 128); the caller passes
# correction = 128 * sum(query), computed once per query. Sums wrap modulo 2^32, so the result is exact
# whenever the true dot product fits in an int. Four vectors are scored per pass, sharing each load of the
# query; a tail of dim % 64 bytes is read with a byte mask (masked-off bytes are neither read nor faulted).
# (Scoring one vector after another, one ascending stream with four accumulators, was slower both on
# pages in L2 and on pages out of cache.)
# System V AMD64 calling convention; only caller-saved registers are used.

        .intel_syntax noprefix

# Adds the products of the tail's codes at \codes with the query's tail (in zmm4) to \sum, through \tmp.
.macro  add_tail sum, tmp, codes
        vmovdqu8 \tmp{k1}{z}, \codes
        vpxord  \tmp, \tmp, zmm11
        vpdpbusd \sum, \tmp, zmm4
.endm

        .text
        .globl  bulk_dot_i8
bulk_dot_i8:
        # rdi query, rsi codes of the current vector, rdx dim, rcx vectors left, r8 out, r9 correction
        vpbroadcastd xmm10, r9d             # correction, subtracted from four sums at a time
        mov     eax, 0x80808080
        vpbroadcastd zmm11, eax             # the top bit of every byte
        mov     r9, rdx
        and     r9, -64                     # r9: bytes in whole 64-byte chunks
        mov     eax, edx
        and     eax, 63
        mov     r11, -1
        bzhi    r11, r11, rax
        kmovq   k1, r11                     # k1: the tail's bytes

four_vectors:
        cmp     rcx, 4
        jb      one_vector
        vpxord  zmm0, zmm0, zmm0
        vpxord  zmm1, zmm1, zmm1
        vpxord  zmm2, zmm2, zmm2
        vpxord  zmm3, zmm3, zmm3
        lea     r10, [rsi + rdx * 2]        # the third vector; the second and fourth are at +dim
        mov     r11, r9
        shr     r11, 6                      # whole chunks
        jz      four_tail
four_chunk:
        vmovdqu8 zmm4, [rdi]
        vpxord  zmm5, zmm11, [rsi]
        vpdpbusd zmm0, zmm5, zmm4
        vpxord  zmm6, zmm11, [rsi + rdx]
        vpdpbusd zmm1, zmm6, zmm4
        vpxord  zmm7, zmm11, [r10]
        vpdpbusd zmm2, zmm7, zmm4
        vpxord  zmm8, zmm11, [r10 + rdx]
        vpdpbusd zmm3, zmm8, zmm4
        add     rdi, 64
        add     rsi, 64
        add     r10, 64
        dec     r11
        jnz     four_chunk
four_tail:
        test    edx, 63
        jz      four_sums
        vmovdqu8 zmm4{k1}{z}, [rdi]         # masked-off query bytes are zero: their products vanish
        add_tail zmm0, zmm5, [rsi]
        add_tail zmm1, zmm6, [rsi + rdx]
        add_tail zmm2, zmm7, [r10]
        add_tail zmm3, zmm8, [r10 + rdx]
four_sums:
        # Sum the 16 lanes of zmm0..zmm3 into one lane each: interleave and add pairs of vectors, then
        # quadword pairs, which leaves [s0 s1 s2 s3] partial sums in each 128-bit lane; add the four lanes.
        vpunpckldq zmm4, zmm0, zmm1
        vpunpckhdq zmm5, zmm0, zmm1
        vpaddd  zmm4, zmm4, zmm5            # s0 s1 s0 s1 per 128-bit lane
        vpunpckldq zmm6, zmm2, zmm3
        vpunpckhdq zmm7, zmm2, zmm3
        vpaddd  zmm6, zmm6, zmm7            # s2 s3 s2 s3
        vpunpcklqdq zmm8, zmm4, zmm6
        vpunpckhqdq zmm9, zmm4, zmm6
        vpaddd  zmm8, zmm8, zmm9            # s0 s1 s2 s3
        vextracti64x4 ymm9, zmm8, 1
        vpaddd  ymm8, ymm8, ymm9
        vextracti128 xmm9, ymm8, 1
        vpaddd  xmm8, xmm8, xmm9
        vpsubd  xmm8, xmm8, xmm10
        vmovdqu [r8], xmm8
        sub     rdi, r9                     # back to the query's start
        sub     rsi, r9
        lea     rsi, [rsi + rdx * 4]        # the next four vectors
        add     r8, 16
        sub     rcx, 4
        jmp     four_vectors

one_vector:
        test    rcx, rcx
        jz      done
        vpxord  zmm0, zmm0, zmm0
        mov     r11, r9
        shr     r11, 6
        jz      one_tail
one_chunk:
        vmovdqu8 zmm4, [rdi]
        vpxord  zmm5, zmm11, [rsi]
        vpdpbusd zmm0, zmm5, zmm4
        add     rdi, 64
        add     rsi, 64
        dec     r11
        jnz     one_chunk
one_tail:
        test    edx, 63
        jz      one_sum
        vmovdqu8 zmm4{k1}{z}, [rdi]
        add_tail zmm0, zmm5, [rsi]
one_sum:
        vextracti64x4 ymm1, zmm0, 1
        vpaddd  ymm0, ymm0, ymm1
        vextracti128 xmm1, ymm0, 1
        vpaddd  xmm0, xmm0, xmm1
        vpshufd xmm1, xmm0, 0x4e
        vpaddd  xmm0, xmm0, xmm1
        vpshufd xmm1, xmm0, 0xb1
        vpaddd  xmm0, xmm0, xmm1
        vpsubd  xmm0, xmm0, xmm10
        vmovd   [r8], xmm0
        sub     rdi, r9
        sub     rsi, r9
        add     rsi, rdx                    # the next vector
        add     r8, 4
        dec     rcx
        jmp     one_vector

done:
        vzeroupper
        ret
