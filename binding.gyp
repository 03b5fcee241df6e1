# The native backend of the wave kernels (see src/wave/kernel.c and kernel-napi.c), built at
# install time by src/build/native.mjs: build/Release/gradscape.node. Only the kernels are
# compiled for this machine's CPU (-march=native, the full vector width); the binding is built
# for the architecture's baseline so that it can refuse a CPU the kernels do not run on.
# -ffp-contract=off keeps multiplies and adds unfused, as WebAssembly computes them, so the two
# backends give the same bits (tested to 1e-12; measured identical). Fused multiply-adds were
# measured 9% faster on the forward and 2% on the gradient (AVX2, wave1d-standard), agreeing
# with WebAssembly to 3e-14: not worth answers that differ by backend and by build machine.
{
  "targets": [
    {
      "target_name": "gradscape_kernels",
      "type": "static_library",
      "sources": ["src/wave/kernel.c"],
      "cflags": ["-fPIC", "-std=c11", "-O3", "-ffp-contract=off", "-pthread"],
      "defines": ["GS_THREADS", "GS_CALLER_FTZ"],
      "conditions": [
        ["target_arch=='x64' or target_arch=='ia32'", { "cflags": ["-march=native"] }],
        ["target_arch=='arm64'", { "cflags": ["-mcpu=native"] }],
        ["OS=='mac'", {
          "xcode_settings": { "OTHER_CFLAGS": ["-std=c11", "-O3", "-ffp-contract=off", "-march=native"] }
        }]
      ]
    },
    {
      "target_name": "gradscape",
      "sources": ["src/wave/kernel-napi.c"],
      "dependencies": ["gradscape_kernels"],
      "ldflags": ["-pthread"],
      "cflags": ["-std=c11", "-O2"],
      "xcode_settings": { "OTHER_CFLAGS": ["-std=c11", "-O2"] }
    }
  ]
}
