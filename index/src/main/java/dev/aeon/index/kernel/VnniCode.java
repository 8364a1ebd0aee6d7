package dev.aeon.index.kernel;

/**
 * Machine code of {@code index/src/main/asm/bulk_dot_i8_vnni.s} (x86-64, AVX-512 VNNI), written by
 * {@code index/src/main/asm/assemble}: edit the assembly and run that script, not this file.
 */
final class VnniCode {

  private VnniCode() {}

  /** {@code bulk_dot_i8} in hex, one instruction per element; position-independent, entry at offset 0. */
  static final String[] BULK_DOT_I8 = {
    // bulk_dot_i8:
    "62 52 7d 08 7c d1", // vpbroadcastd xmm10,r9d
    "b8 80 80 80 80", // mov eax,0x80808080
    "62 72 7d 48 7c d8", // vpbroadcastd zmm11,eax
    "49 89 d1", // mov r9,rdx
    "49 83 e1 c0", // and r9,0xffffffffffffffc0
    "89 d0", // mov eax,edx
    "83 e0 3f", // and eax,0x3f
    "49 c7 c3 ff ff ff ff", // mov r11,0xffffffffffffffff
    "c4 42 f8 f5 db", // bzhi r11,r11,rax
    "c4 c1 fb 92 cb", // kmovq k1,r11
    // four_vectors:
    "48 83 f9 04", // cmp rcx,0x4
    "0f 82 34 01 00 00", // jb 16c <one_vector>
    "62 f1 7d 48 ef c0", // vpxord zmm0,zmm0,zmm0
    "62 f1 75 48 ef c9", // vpxord zmm1,zmm1,zmm1
    "62 f1 6d 48 ef d2", // vpxord zmm2,zmm2,zmm2
    "62 f1 65 48 ef db", // vpxord zmm3,zmm3,zmm3
    "4c 8d 14 56", // lea r10,[rsi+rdx*2]
    "4d 89 cb", // mov r11,r9
    "49 c1 eb 06", // shr r11,0x6
    "74 49", // je a6 <four_tail>
    // four_chunk:
    "62 f1 7f 48 6f 27", // vmovdqu8 zmm4,ZMMWORD PTR [rdi]
    "62 f1 25 48 ef 2e", // vpxord zmm5,zmm11,ZMMWORD PTR [rsi]
    "62 f2 55 48 50 c4", // vpdpbusd zmm0,zmm5,zmm4
    "62 f1 25 48 ef 34 16", // vpxord zmm6,zmm11,ZMMWORD PTR [rsi+rdx*1]
    "62 f2 4d 48 50 cc", // vpdpbusd zmm1,zmm6,zmm4
    "62 d1 25 48 ef 3a", // vpxord zmm7,zmm11,ZMMWORD PTR [r10]
    "62 f2 45 48 50 d4", // vpdpbusd zmm2,zmm7,zmm4
    "62 51 25 48 ef 04 12", // vpxord zmm8,zmm11,ZMMWORD PTR [r10+rdx*1]
    "62 f2 3d 48 50 dc", // vpdpbusd zmm3,zmm8,zmm4
    "48 83 c7 40", // add rdi,0x40
    "48 83 c6 40", // add rsi,0x40
    "49 83 c2 40", // add r10,0x40
    "49 ff cb", // dec r11
    "75 b7", // jne 5d <four_chunk>
    // four_tail:
    "f7 c2 3f 00 00 00", // test edx,0x3f
    "74 50", // je fe <four_sums>
    "62 f1 7f c9 6f 27", // vmovdqu8 zmm4{k1}{z},ZMMWORD PTR [rdi]
    "62 f1 7f c9 6f 2e", // vmovdqu8 zmm5{k1}{z},ZMMWORD PTR [rsi]
    "62 d1 55 48 ef eb", // vpxord zmm5,zmm5,zmm11
    "62 f2 55 48 50 c4", // vpdpbusd zmm0,zmm5,zmm4
    "62 f1 7f c9 6f 34 16", // vmovdqu8 zmm6{k1}{z},ZMMWORD PTR [rsi+rdx*1]
    "62 d1 4d 48 ef f3", // vpxord zmm6,zmm6,zmm11
    "62 f2 4d 48 50 cc", // vpdpbusd zmm1,zmm6,zmm4
    "62 d1 7f c9 6f 3a", // vmovdqu8 zmm7{k1}{z},ZMMWORD PTR [r10]
    "62 d1 45 48 ef fb", // vpxord zmm7,zmm7,zmm11
    "62 f2 45 48 50 d4", // vpdpbusd zmm2,zmm7,zmm4
    "62 51 7f c9 6f 04 12", // vmovdqu8 zmm8{k1}{z},ZMMWORD PTR [r10+rdx*1]
    "62 51 3d 48 ef c3", // vpxord zmm8,zmm8,zmm11
    "62 f2 3d 48 50 dc", // vpdpbusd zmm3,zmm8,zmm4
    // four_sums:
    "62 f1 7d 48 62 e1", // vpunpckldq zmm4,zmm0,zmm1
    "62 f1 7d 48 6a e9", // vpunpckhdq zmm5,zmm0,zmm1
    "62 f1 5d 48 fe e5", // vpaddd zmm4,zmm4,zmm5
    "62 f1 6d 48 62 f3", // vpunpckldq zmm6,zmm2,zmm3
    "62 f1 6d 48 6a fb", // vpunpckhdq zmm7,zmm2,zmm3
    "62 f1 4d 48 fe f7", // vpaddd zmm6,zmm6,zmm7
    "62 71 dd 48 6c c6", // vpunpcklqdq zmm8,zmm4,zmm6
    "62 71 dd 48 6d ce", // vpunpckhqdq zmm9,zmm4,zmm6
    "62 51 3d 48 fe c1", // vpaddd zmm8,zmm8,zmm9
    "62 53 fd 48 3b c1 01", // vextracti64x4 ymm9,zmm8,0x1
    "c4 41 3d fe c1", // vpaddd ymm8,ymm8,ymm9
    "c4 43 7d 39 c1 01", // vextracti128 xmm9,ymm8,0x1
    "c4 41 39 fe c1", // vpaddd xmm8,xmm8,xmm9
    "c4 41 39 fa c2", // vpsubd xmm8,xmm8,xmm10
    "c4 41 7a 7f 00", // vmovdqu XMMWORD PTR [r8],xmm8
    "4c 29 cf", // sub rdi,r9
    "4c 29 ce", // sub rsi,r9
    "48 8d 34 96", // lea rsi,[rsi+rdx*4]
    "49 83 c0 10", // add r8,0x10
    "48 83 e9 04", // sub rcx,0x4
    "e9 c2 fe ff ff", // jmp 2e <four_vectors>
    // one_vector:
    "48 85 c9", // test rcx,rcx
    "0f 84 94 00 00 00", // je 209 <done>
    "62 f1 7d 48 ef c0", // vpxord zmm0,zmm0,zmm0
    "4d 89 cb", // mov r11,r9
    "49 c1 eb 06", // shr r11,0x6
    "74 1f", // je 1a3 <one_tail>
    // one_chunk:
    "62 f1 7f 48 6f 27", // vmovdqu8 zmm4,ZMMWORD PTR [rdi]
    "62 f1 25 48 ef 2e", // vpxord zmm5,zmm11,ZMMWORD PTR [rsi]
    "62 f2 55 48 50 c4", // vpdpbusd zmm0,zmm5,zmm4
    "48 83 c7 40", // add rdi,0x40
    "48 83 c6 40", // add rsi,0x40
    "49 ff cb", // dec r11
    "75 e1", // jne 184 <one_chunk>
    // one_tail:
    "f7 c2 3f 00 00 00", // test edx,0x3f
    "74 18", // je 1c3 <one_sum>
    "62 f1 7f c9 6f 27", // vmovdqu8 zmm4{k1}{z},ZMMWORD PTR [rdi]
    "62 f1 7f c9 6f 2e", // vmovdqu8 zmm5{k1}{z},ZMMWORD PTR [rsi]
    "62 d1 55 48 ef eb", // vpxord zmm5,zmm5,zmm11
    "62 f2 55 48 50 c4", // vpdpbusd zmm0,zmm5,zmm4
    // one_sum:
    "62 f3 fd 48 3b c1 01", // vextracti64x4 ymm1,zmm0,0x1
    "c5 fd fe c1", // vpaddd ymm0,ymm0,ymm1
    "c4 e3 7d 39 c1 01", // vextracti128 xmm1,ymm0,0x1
    "c5 f9 fe c1", // vpaddd xmm0,xmm0,xmm1
    "c5 f9 70 c8 4e", // vpshufd xmm1,xmm0,0x4e
    "c5 f9 fe c1", // vpaddd xmm0,xmm0,xmm1
    "c5 f9 70 c8 b1", // vpshufd xmm1,xmm0,0xb1
    "c5 f9 fe c1", // vpaddd xmm0,xmm0,xmm1
    "c4 c1 79 fa c2", // vpsubd xmm0,xmm0,xmm10
    "c4 c1 79 7e 00", // vmovd DWORD PTR [r8],xmm0
    "4c 29 cf", // sub rdi,r9
    "4c 29 ce", // sub rsi,r9
    "48 01 d6", // add rsi,rdx
    "49 83 c0 04", // add r8,0x4
    "48 ff c9", // dec rcx
    "e9 63 ff ff ff", // jmp 16c <one_vector>
    // done:
    "c5 f8 77", // vzeroupper
    "c3", // ret
  };
}
