// The oneDNN kernels of @estimatorjs/native. Every tensor argument is a byte offset into one ArrayBuffer: the
// (non-shared) memory of a tfjs-backend-wasm instance, so tensors are read and written where they lie, with no
// copies. The buffer is passed on every call because wasm memory growth replaces it.
// Primitives are cached by shape: creating a oneDNN primitive descriptor costs far more than a small kernel.
#include <node_api.h>
#include <omp.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "oneapi/dnnl/dnnl.hpp"

using dnnl::algorithm;
using dnnl::memory;
using tag = dnnl::memory::format_tag;
using dt = dnnl::memory::data_type;

namespace {

dnnl::engine &cpu() {
  static dnnl::engine e(dnnl::engine::kind::cpu, 0);
  return e;
}
dnnl::stream &queue() {
  static dnnl::stream s(cpu());
  return s;
}

// ---- argument reading -------------------------------------------------------------------------------------------

struct Args {
  napi_env env;
  uint8_t *base = nullptr;
  size_t length = 0;
  std::vector<int64_t> ints;
  bool ok = false;
};

// (buffer, n integers): fills args; throws a JS TypeError and returns false on a bad call.
bool read_args(napi_env env, napi_callback_info info, size_t want, Args &a) {
  a.env = env;
  size_t argc = 32;
  napi_value argv[32];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (argc != want + 1) {
    napi_throw_type_error(env, nullptr, "estimatorjs native: wrong argument count");
    return false;
  }
  void *data = nullptr;
  if (napi_get_arraybuffer_info(env, argv[0], &data, &a.length) != napi_ok) {
    napi_throw_type_error(env, nullptr, "estimatorjs native: the first argument must be an ArrayBuffer");
    return false;
  }
  a.base = static_cast<uint8_t *>(data);
  a.ints.resize(want);
  for (size_t i = 0; i < want; i++) {
    if (napi_get_value_int64(env, argv[i + 1], &a.ints[i]) != napi_ok) {
      napi_throw_type_error(env, nullptr, "estimatorjs native: arguments after the buffer must be numbers");
      return false;
    }
  }
  return true;
}

// A float32 region of `count` elements at byte `offset`; null (after throwing) when it does not fit the buffer.
float *region(Args &a, int64_t offset, int64_t count) {
  if (offset < 0 || count < 0 || offset % 4 != 0 || static_cast<uint64_t>(offset) + 4 * static_cast<uint64_t>(count) > a.length) {
    napi_throw_range_error(a.env, nullptr, "estimatorjs native: a tensor lies outside the wasm memory");
    return nullptr;
  }
  return reinterpret_cast<float *>(a.base + offset);
}

napi_value fail(napi_env env, const dnnl::error &e) {
  std::string message = std::string("estimatorjs native: oneDNN: ") + e.what();
  napi_throw_error(env, nullptr, message.c_str());
  return nullptr;
}

// ---- threads per primitive -------------------------------------------------------------------------------------
// A parallel region wakes the sleeping OpenMP workers (OMP_WAIT_POLICY=PASSIVE, see internal/addon.ts) and joins
// them: tens of microseconds on an idle machine, hundreds on a busy one. A matmul whose work is below
// kParallelMinMacs takes less than that on one thread (the MLP's 128x256x10 products take ~30 us), so it runs on the
// calling thread alone: oneDNN runs a one-thread primitive without entering a parallel region. Larger work uses every
// thread setThreads() allowed. The primitive caches key on the thread count a primitive was made for, since oneDNN
// plans its work split when the primitive is created.
constexpr int64_t kParallelMinMacs = int64_t(1) << 22;  // ~4.2M multiply-adds: ~90 us on one AVX-512 core

int last_threads = 0;  // what the last kernel ran on (tests check small work stays on one thread)

int threads_for(int64_t macs) {
  last_threads = macs < kParallelMinMacs ? 1 : omp_get_max_threads();
  return last_threads;
}

// Sets the calling thread's OpenMP thread count for one primitive's creation and execution, then restores it.
struct ThreadScope {
  int saved;
  explicit ThreadScope(int threads) : saved(omp_get_max_threads()) {
    if (threads != saved) omp_set_num_threads(threads);
  }
  ~ThreadScope() {
    if (omp_get_max_threads() != saved) omp_set_num_threads(saved);
  }
};

// ---- matmul -----------------------------------------------------------------------------------------------------

// tfjs's relu (Math.max(0, x): -0 gives +0, NaN stays NaN) over p[0, n), in place; see elt_chunk's kRelu.
#pragma GCC push_options
#pragma GCC optimize("O3")
#if defined(__x86_64__)
__attribute__((target_clones("avx512f", "avx2", "default")))
#endif
void relu_in_place(float *p, int64_t n) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  for (int64_t i = 0; i < n; i++) p[i] = p[i] > 0.f ? p[i] : (p[i] != p[i] ? nan : 0.f);
}
#pragma GCC pop_options

struct MatMul {
  dnnl::matmul prim;
  memory a, b, c, bias;
  bool has_bias = false;
};
std::map<std::vector<int64_t>, std::unique_ptr<MatMul>> matmuls;

// matmul(buf, a, b, c, bias|-1, batchA, batchB, M, K, N, transposeA, transposeB, relu)
// c[batch, M, N] = op(a)[batchA, M, K] x op(b)[batchB, K, N] (+ bias[N]) (then relu); batchA or batchB may be 1.
napi_value run_matmul(napi_env env, napi_callback_info info) {
  Args a;
  if (!read_args(env, info, 12, a)) return nullptr;
  const auto &v = a.ints;
  const int64_t ba = v[4], bb = v[5], M = v[6], K = v[7], N = v[8], ta = v[9], tb = v[10], relu = v[11];
  const bool has_bias = v[3] >= 0;
  const int64_t batch = ba > bb ? ba : bb;
  float *pa = region(a, v[0], ba * M * K);
  float *pb = pa ? region(a, v[1], bb * K * N) : nullptr;
  float *pc = pb ? region(a, v[2], batch * M * N) : nullptr;
  float *pbias = (pc && has_bias) ? region(a, v[3], N) : nullptr;
  if (!pc || (has_bias && !pbias)) return nullptr;
  try {
    const int threads = threads_for(batch * M * K * N);
    ThreadScope scope(threads);
    std::vector<int64_t> key(v.begin() + 3, v.end());
    key[0] = has_bias;
    key.push_back(threads);
    auto &slot = matmuls[key];
    if (!slot) {
      auto e = std::make_unique<MatMul>();
      memory::desc amd({ba, M, K}, dt::f32, ta ? memory::dims{M * K, 1, M} : memory::dims{M * K, K, 1});
      memory::desc bmd({bb, K, N}, dt::f32, tb ? memory::dims{K * N, 1, K} : memory::dims{K * N, N, 1});
      memory::desc cmd({batch, M, N}, dt::f32, memory::dims{M * N, N, 1});
      memory::desc biasmd({1, 1, N}, dt::f32, memory::dims{N, N, 1});
      auto d = has_bias ? dnnl::matmul::desc(amd, bmd, biasmd, cmd) : dnnl::matmul::desc(amd, bmd, cmd);
      dnnl::matmul::primitive_desc pd(d, cpu());
      e->prim = dnnl::matmul(pd);
      e->a = memory(amd, cpu(), nullptr);
      e->b = memory(bmd, cpu(), nullptr);
      e->c = memory(cmd, cpu(), nullptr);
      if (has_bias) e->bias = memory(biasmd, cpu(), nullptr);
      e->has_bias = has_bias;
      slot = std::move(e);
    }
    MatMul &m = *slot;
    m.a.set_data_handle(pa);
    m.b.set_data_handle(pb);
    m.c.set_data_handle(pc);
    std::unordered_map<int, memory> args{{DNNL_ARG_SRC, m.a}, {DNNL_ARG_WEIGHTS, m.b}, {DNNL_ARG_DST, m.c}};
    if (m.has_bias) {
      m.bias.set_data_handle(pbias);
      args.insert({DNNL_ARG_BIAS, m.bias});
    }
    m.prim.execute(queue(), args);
    queue().wait();
    // relu as tfjs has it, after the product: oneDNN's relu post-op turns NaN into 0, which would hide a NaN from the
    // loss (and NanTensorHook) where the unfused ops keep it.
    if (relu) relu_in_place(pc, batch * M * N);
  } catch (const dnnl::error &e) {
    return fail(env, e);
  }
  return nullptr;
}

// ---- convolutions -----------------------------------------------------------------------------------------------

// The shape of a 2-D convolution as tfjs's Conv2DInfo has it: x is NHWC, the filter HWIO ([fh, fw, in, out]).
struct ConvShape {
  int64_t n, h, w, c, oh, ow, oc, fh, fw, sh, sw, dh, dw, pt, pb, pl, pr;
  explicit ConvShape(const int64_t *p)
      : n(p[0]), h(p[1]), w(p[2]), c(p[3]), oh(p[4]), ow(p[5]), oc(p[6]), fh(p[7]), fw(p[8]), sh(p[9]), sw(p[10]),
        dh(p[11]), dw(p[12]), pt(p[13]), pb(p[14]), pl(p[15]), pr(p[16]) {}
  // NHWC also for one input channel: NCHW (the same bytes then) with an NHWC output sends oneDNN 2.6 to its
  // reference kernel, 50x slower.
  memory::desc x() const { return memory::desc({n, c, h, w}, dt::f32, tag::nhwc); }
  memory::desc y() const { return memory::desc({n, oc, oh, ow}, dt::f32, tag::nhwc); }
  memory::desc filter_user() const { return memory::desc({oc, c, fh, fw}, dt::f32, tag::hwio); }
  memory::desc filter_any() const { return memory::desc({oc, c, fh, fw}, dt::f32, tag::any); }
  memory::dims strides() const { return {sh, sw}; }
  memory::dims dilations() const { return {dh - 1, dw - 1}; }
  memory::dims pad_l() const { return {pt, pl}; }
  memory::dims pad_r() const { return {pb, pr}; }
};
constexpr size_t kShapeArgs = 17;

dnnl::convolution_forward::primitive_desc forward_pd(const ConvShape &s, bool bias, bool relu) {
  dnnl::primitive_attr attr;
  if (relu) {
    dnnl::post_ops po;
    po.append_eltwise(1.f, algorithm::eltwise_relu, 0.f, 0.f);
    attr.set_post_ops(po);
  }
  memory::desc bmd({s.oc}, dt::f32, tag::x);
  auto d = bias ? dnnl::convolution_forward::desc(dnnl::prop_kind::forward_training, algorithm::convolution_direct,
                                                  s.x(), s.filter_any(), bmd, s.y(), s.strides(), s.dilations(),
                                                  s.pad_l(), s.pad_r())
                : dnnl::convolution_forward::desc(dnnl::prop_kind::forward_training, algorithm::convolution_direct,
                                                  s.x(), s.filter_any(), s.y(), s.strides(), s.dilations(), s.pad_l(),
                                                  s.pad_r());
  return dnnl::convolution_forward::primitive_desc(d, attr, cpu());
}

// A filter held in tfjs's HWIO layout and, when the primitive wants another, a reorder into a buffer of its own.
struct Filter {
  memory user, inner;
  dnnl::reorder to_inner, to_user;
  bool reordered = false;
  void init(const memory::desc &user_md, const memory::desc &wanted, bool to_user_direction) {
    user = memory(user_md, cpu(), nullptr);
    reordered = wanted != user_md;
    if (!reordered) return;
    inner = memory(wanted, cpu());
    if (to_user_direction) to_user = dnnl::reorder(inner, user);
    else to_inner = dnnl::reorder(user, inner);
  }
  const memory &for_primitive() const { return reordered ? inner : user; }
};

struct ConvFwd {
  dnnl::convolution_forward prim;
  memory x, y, bias;
  Filter w;
  bool has_bias = false;
};
struct ConvBwdData {
  dnnl::convolution_backward_data prim;
  memory dy, dx;
  Filter w;
};
struct ConvBwdFilter {
  dnnl::convolution_backward_weights prim;
  memory x, dy;
  Filter dw;
};
std::map<std::vector<int64_t>, std::unique_ptr<ConvFwd>> conv_fwds;
std::map<std::vector<int64_t>, std::unique_ptr<ConvBwdData>> conv_bwd_datas;
std::map<std::vector<int64_t>, std::unique_ptr<ConvBwdFilter>> conv_bwd_filters;

// conv2d(buf, x, filter, y, bias|-1, relu, ...shape): y = conv(x, filter) (+ bias) (then relu)
napi_value run_conv2d(napi_env env, napi_callback_info info) {
  Args a;
  if (!read_args(env, info, 5 + kShapeArgs, a)) return nullptr;
  const auto &v = a.ints;
  ConvShape s(v.data() + 5);
  const bool has_bias = v[3] >= 0, relu = v[4] != 0;
  float *px = region(a, v[0], s.n * s.h * s.w * s.c);
  float *pw = px ? region(a, v[1], s.fh * s.fw * s.c * s.oc) : nullptr;
  float *py = pw ? region(a, v[2], s.n * s.oh * s.ow * s.oc) : nullptr;
  float *pbias = (py && has_bias) ? region(a, v[3], s.oc) : nullptr;
  if (!py || (has_bias && !pbias)) return nullptr;
  try {
    std::vector<int64_t> key(v.begin() + 3, v.end());
    key[0] = has_bias;
    auto &slot = conv_fwds[key];
    if (!slot) {
      auto e = std::make_unique<ConvFwd>();
      auto pd = forward_pd(s, has_bias, relu);
      e->prim = dnnl::convolution_forward(pd);
      e->x = memory(s.x(), cpu(), nullptr);
      e->y = memory(s.y(), cpu(), nullptr);
      e->w.init(s.filter_user(), pd.weights_desc(), false);
      if (has_bias) e->bias = memory(memory::desc({s.oc}, dt::f32, tag::x), cpu(), nullptr);
      e->has_bias = has_bias;
      slot = std::move(e);
    }
    ConvFwd &c = *slot;
    c.x.set_data_handle(px);
    c.y.set_data_handle(py);
    c.w.user.set_data_handle(pw);
    if (c.w.reordered) c.w.to_inner.execute(queue(), c.w.user, c.w.inner);
    std::unordered_map<int, memory> args{
        {DNNL_ARG_SRC, c.x}, {DNNL_ARG_WEIGHTS, c.w.for_primitive()}, {DNNL_ARG_DST, c.y}};
    if (c.has_bias) {
      c.bias.set_data_handle(pbias);
      args.insert({DNNL_ARG_BIAS, c.bias});
    }
    c.prim.execute(queue(), args);
    queue().wait();
  } catch (const dnnl::error &e) {
    return fail(env, e);
  }
  return nullptr;
}

// conv2dBackpropInput(buf, dy, filter, dx, ...shape): dx = the gradient of conv(x, filter) w.r.t. x
napi_value run_conv2d_backprop_input(napi_env env, napi_callback_info info) {
  Args a;
  if (!read_args(env, info, 3 + kShapeArgs, a)) return nullptr;
  const auto &v = a.ints;
  ConvShape s(v.data() + 3);
  float *pdy = region(a, v[0], s.n * s.oh * s.ow * s.oc);
  float *pw = pdy ? region(a, v[1], s.fh * s.fw * s.c * s.oc) : nullptr;
  float *pdx = pw ? region(a, v[2], s.n * s.h * s.w * s.c) : nullptr;
  if (!pdx) return nullptr;
  try {
    std::vector<int64_t> key(v.begin() + 3, v.end());
    auto &slot = conv_bwd_datas[key];
    if (!slot) {
      auto e = std::make_unique<ConvBwdData>();
      auto hint = forward_pd(s, false, false);
      dnnl::convolution_backward_data::desc d(algorithm::convolution_direct, s.x(), s.filter_any(), s.y(),
                                              s.strides(), s.dilations(), s.pad_l(), s.pad_r());
      dnnl::convolution_backward_data::primitive_desc pd(d, cpu(), hint);
      e->prim = dnnl::convolution_backward_data(pd);
      e->dy = memory(s.y(), cpu(), nullptr);
      e->dx = memory(s.x(), cpu(), nullptr);
      e->w.init(s.filter_user(), pd.weights_desc(), false);
      slot = std::move(e);
    }
    ConvBwdData &c = *slot;
    c.dy.set_data_handle(pdy);
    c.dx.set_data_handle(pdx);
    c.w.user.set_data_handle(pw);
    if (c.w.reordered) c.w.to_inner.execute(queue(), c.w.user, c.w.inner);
    c.prim.execute(queue(), {{DNNL_ARG_DIFF_DST, c.dy}, {DNNL_ARG_WEIGHTS, c.w.for_primitive()}, {DNNL_ARG_DIFF_SRC, c.dx}});
    queue().wait();
  } catch (const dnnl::error &e) {
    return fail(env, e);
  }
  return nullptr;
}

// conv2dBackpropFilter(buf, x, dy, dw, ...shape): dw = the gradient of conv(x, filter) w.r.t. the filter (HWIO)
napi_value run_conv2d_backprop_filter(napi_env env, napi_callback_info info) {
  Args a;
  if (!read_args(env, info, 3 + kShapeArgs, a)) return nullptr;
  const auto &v = a.ints;
  ConvShape s(v.data() + 3);
  float *px = region(a, v[0], s.n * s.h * s.w * s.c);
  float *pdy = px ? region(a, v[1], s.n * s.oh * s.ow * s.oc) : nullptr;
  float *pdw = pdy ? region(a, v[2], s.fh * s.fw * s.c * s.oc) : nullptr;
  if (!pdw) return nullptr;
  try {
    std::vector<int64_t> key(v.begin() + 3, v.end());
    auto &slot = conv_bwd_filters[key];
    if (!slot) {
      auto e = std::make_unique<ConvBwdFilter>();
      auto hint = forward_pd(s, false, false);
      dnnl::convolution_backward_weights::desc d(algorithm::convolution_direct, s.x(), s.filter_any(), s.y(),
                                                 s.strides(), s.dilations(), s.pad_l(), s.pad_r());
      dnnl::convolution_backward_weights::primitive_desc pd(d, cpu(), hint);
      e->prim = dnnl::convolution_backward_weights(pd);
      e->x = memory(s.x(), cpu(), nullptr);
      e->dy = memory(s.y(), cpu(), nullptr);
      e->dw.init(s.filter_user(), pd.diff_weights_desc(), true);
      slot = std::move(e);
    }
    ConvBwdFilter &c = *slot;
    c.x.set_data_handle(px);
    c.dy.set_data_handle(pdy);
    c.dw.user.set_data_handle(pdw);
    c.prim.execute(queue(), {{DNNL_ARG_SRC, c.x}, {DNNL_ARG_DIFF_DST, c.dy}, {DNNL_ARG_DIFF_WEIGHTS, c.dw.for_primitive()}});
    if (c.dw.reordered) c.dw.to_user.execute(queue(), c.dw.inner, c.dw.user);
    queue().wait();
  } catch (const dnnl::error &e) {
    return fail(env, e);
  }
  return nullptr;
}

// ---- fused optimizer updates (@estimatorjs/io's APPLY_*_KERNEL: Adam, momentum, RMSProp) -----------------------
// Plain loops, not oneDNN. Bit-identical to the composite float32 ops the estimator runs without the kernel: each
// operation rounded to float32 in the composite order, so no contraction into fused multiply-adds (the pragma and
// scripts/build-addon.mjs's -ffp-contract=off: GCC contracts by default and AVX-512 has FMA) and no fast-math.
// Compiled for AVX-512, AVX2 and baseline x86-64, picked at load time by the CPU (target_clones), since the addon
// may run on another machine than its build.

#pragma GCC push_options
#pragma GCC optimize("O3", "fp-contract=off")

#if defined(__x86_64__)
__attribute__((target_clones("avx512f", "avx2", "default")))
#endif
void adam_loop(const float *__restrict x, const float *__restrict m, const float *__restrict v,
               const float *__restrict g, float *__restrict xo, float *__restrict mo, float *__restrict vo, int64_t n,
               float lr_t, float b1, float c1, float b2, float c2, float eps) {
  for (int64_t i = 0; i < n; i++) {
    const float gi = g[i];
    const float mi = b1 * m[i] + c1 * gi;
    const float vi = b2 * v[i] + c2 * (gi * gi);
    mo[i] = mi;
    vo[i] = vi;
    xo[i] = x[i] - lr_t * (mi / (__builtin_sqrtf(vi) + eps));
  }
}

#if defined(__x86_64__)
__attribute__((target_clones("avx512f", "avx2", "default")))
#endif
void momentum_loop(const float *__restrict x, const float *__restrict accum, const float *__restrict g,
                   float *__restrict xo, float *__restrict ao, int64_t n, float lr, float mu, float lr_mu,
                   bool nesterov) {
  for (int64_t i = 0; i < n; i++) {
    const float a = mu * accum[i] + g[i];
    ao[i] = a;
    xo[i] = x[i] - (nesterov ? lr * g[i] + lr_mu * a : lr * a);
  }
}

#if defined(__x86_64__)
__attribute__((target_clones("avx512f", "avx2", "default")))
#endif
void rmsprop_loop(const float *__restrict x, const float *__restrict ms, const float *__restrict mom,
                  const float *__restrict g, float *__restrict xo, float *__restrict mso, float *__restrict momo,
                  int64_t n, float lr, float rho, float c, float mu, float eps) {
  for (int64_t i = 0; i < n; i++) {
    const float s = rho * ms[i] + c * (g[i] * g[i]);
    const float m = mu * mom[i] + (lr * g[i]) / __builtin_sqrtf(s + eps);
    mso[i] = s;
    momo[i] = m;
    xo[i] = x[i] - m;
  }
}

#if defined(__x86_64__)
__attribute__((target_clones("avx512f", "avx2", "default")))
#endif
void centered_rmsprop_loop(const float *__restrict x, const float *__restrict ms, const float *__restrict mom,
                           const float *__restrict g, const float *__restrict mg, float *__restrict xo,
                           float *__restrict mso, float *__restrict mgo, float *__restrict momo, int64_t n, float lr,
                           float rho, float c, float mu, float eps) {
  for (int64_t i = 0; i < n; i++) {
    const float s = rho * ms[i] + c * (g[i] * g[i]);
    const float a = rho * mg[i] + c * g[i];
    const float m = mu * mom[i] + (lr * g[i]) / __builtin_sqrtf((s - a * a) + eps);
    mso[i] = s;
    mgo[i] = a;
    momo[i] = m;
    xo[i] = x[i] - m;
  }
}

#pragma GCC pop_options

// (buffer, `offsets` byte offsets, n, `reals` numbers): the float32 regions of n elements at those offsets and the
// numbers; false (after throwing) on a bad call or a region outside the buffer.
bool read_update_args(napi_env env, napi_callback_info info, int offsets, int reals, float **regions, int64_t &n,
                      double *numbers) {
  size_t argc = 20;
  napi_value argv[20];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  Args a;
  a.env = env;
  void *data = nullptr;
  if (static_cast<int>(argc) != offsets + reals + 2 ||
      napi_get_arraybuffer_info(env, argv[0], &data, &a.length) != napi_ok) {
    napi_throw_type_error(env, nullptr, "estimatorjs native: an update takes (buffer, offsets, n, constants)");
    return false;
  }
  a.base = static_cast<uint8_t *>(data);
  int64_t at[16];  // up to 10 offsets and n
  for (int i = 0; i <= offsets; i++) {
    if (napi_get_value_int64(env, argv[i + 1], &at[i]) != napi_ok) {
      napi_throw_type_error(env, nullptr, "estimatorjs native: optimizer update offsets and n must be numbers");
      return false;
    }
  }
  n = at[offsets];
  for (int i = 0; i < reals; i++) {
    if (napi_get_value_double(env, argv[offsets + 2 + i], &numbers[i]) != napi_ok) {
      napi_throw_type_error(env, nullptr, "estimatorjs native: optimizer update constants must be numbers");
      return false;
    }
  }
  for (int i = 0; i < offsets; i++) {
    regions[i] = region(a, at[i], n);
    if (regions[i] == nullptr) return false;
  }
  return true;
}

// applyAdam(buf, x, m, v, g, xOut, mOut, vOut, n, lrT, b1, c1, b2, c2, eps): byte offsets, the element count,
// then the float32 constants (numbers already rounded to float32). Outputs do not alias inputs.
napi_value run_apply_adam(napi_env env, napi_callback_info info) {
  float *p[7];
  int64_t n = 0;
  double k[6];
  if (!read_update_args(env, info, 7, 6, p, n, k)) return nullptr;
  adam_loop(p[0], p[1], p[2], p[3], p[4], p[5], p[6], n, static_cast<float>(k[0]), static_cast<float>(k[1]),
            static_cast<float>(k[2]), static_cast<float>(k[3]), static_cast<float>(k[4]), static_cast<float>(k[5]));
  return nullptr;
}

// applyMomentum(buf, x, accum, g, xOut, accumOut, n, lr, mu, lrMu, nesterov 0|1).
napi_value run_apply_momentum(napi_env env, napi_callback_info info) {
  float *p[5];
  int64_t n = 0;
  double k[4];
  if (!read_update_args(env, info, 5, 4, p, n, k)) return nullptr;
  momentum_loop(p[0], p[1], p[2], p[3], p[4], n, static_cast<float>(k[0]), static_cast<float>(k[1]),
                static_cast<float>(k[2]), k[3] != 0);
  return nullptr;
}

// applyRMSProp(buf, x, ms, mom, g, xOut, msOut, momOut, n, lr, rho, c, mu, eps).
napi_value run_apply_rmsprop(napi_env env, napi_callback_info info) {
  float *p[7];
  int64_t n = 0;
  double k[5];
  if (!read_update_args(env, info, 7, 5, p, n, k)) return nullptr;
  rmsprop_loop(p[0], p[1], p[2], p[3], p[4], p[5], p[6], n, static_cast<float>(k[0]), static_cast<float>(k[1]),
               static_cast<float>(k[2]), static_cast<float>(k[3]), static_cast<float>(k[4]));
  return nullptr;
}

// applyCenteredRMSProp(buf, x, ms, mom, g, mg, xOut, msOut, mgOut, momOut, n, lr, rho, c, mu, eps).
napi_value run_apply_centered_rmsprop(napi_env env, napi_callback_info info) {
  float *p[9];
  int64_t n = 0;
  double k[5];
  if (!read_update_args(env, info, 9, 5, p, n, k)) return nullptr;
  centered_rmsprop_loop(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], n, static_cast<float>(k[0]),
                        static_cast<float>(k[1]), static_cast<float>(k[2]), static_cast<float>(k[3]),
                        static_cast<float>(k[4]));
  return nullptr;
}

// ---- sparse softmax cross-entropy (issue 16: the MLP step's loss in one kernel) ---------------------------------
// TF's SparseSoftmaxCrossEntropyWithLogits: per row b of logits [B, C] and its class id,
//   loss[b] = log(sum_j exp(z_j - max)) - (z_label - max),  backprop[b, j] = softmax(z)_j - (j == label),
// in one pass over the row instead of ~20 tfjs kernels. A class id outside [0, C) gives NaN in its row, as TF's
// CPU kernel does not check either (the Estimator checks the ids before the step on CPU backends).
napi_value run_sparse_xent(napi_env env, napi_callback_info info) {
  Args a;
  if (!read_args(env, info, 6, a)) return nullptr;
  const auto &v = a.ints;
  const int64_t B = v[4], C = v[5];
  float *z = region(a, v[0], B * C);
  float *ids_f = z ? region(a, v[1], B) : nullptr;  // int32 ids: same size and alignment as floats
  float *loss = ids_f ? region(a, v[2], B) : nullptr;
  float *grad = loss ? region(a, v[3], B * C) : nullptr;
  if (!grad || C < 1) return nullptr;
  const int32_t *ids = reinterpret_cast<const int32_t *>(ids_f);
  for (int64_t b = 0; b < B; b++) {
    const float *row = z + b * C;
    float *g = grad + b * C;
    const int32_t label = ids[b];
    if (label < 0 || label >= C) {
      loss[b] = std::numeric_limits<float>::quiet_NaN();
      for (int64_t j = 0; j < C; j++) g[j] = std::numeric_limits<float>::quiet_NaN();
      continue;
    }
    float max = row[0];
    for (int64_t j = 1; j < C; j++) max = row[j] > max ? row[j] : max;
    float sum = 0.f;
    for (int64_t j = 0; j < C; j++) {
      g[j] = std::exp(row[j] - max);
      sum += g[j];
    }
    loss[b] = std::log(sum) - (row[label] - max);
    const float inv = 1.f / sum;
    for (int64_t j = 0; j < C; j++) g[j] *= inv;
    g[label] -= 1.f;
  }
  return nullptr;
}

// ---- max pooling (issue 16: the CNN's MaxPool and MaxPoolGrad) ---------------------------------------------------
// Plain loops, not oneDNN: the results must be bit-identical to tfjs-backend-cpu's, which oneDNN's pooling does not
// promise for NaN inputs (tfjs skips them: `pixel > max` from -Infinity) nor for the gradient's ties. tfjs gives
// the gradient of an output to the FIRST strict maximum of its window in row-major (row, column) order, recomputed
// from the input (maxPoolPositions), and sums the gradients one input receives in a double, in ascending output
// (row, column) order, rounded to float32 once. NHWC, dilation 1; the TS side sends everything else to the wasm
// kernel. Images are split over the OpenMP threads; small work stays on the calling thread (see threads_for).

// The pooling shape as tfjs's Pool2DInfo has it: n, h, w, c (input), oh, ow, fh, fw, sh, sw, pad top, pad left.
struct PoolShape {
  int64_t n, h, w, c, oh, ow, fh, fw, sh, sw, pt, pl;
  explicit PoolShape(const int64_t *p)
      : n(p[0]), h(p[1]), w(p[2]), c(p[3]), oh(p[4]), ow(p[5]), fh(p[6]), fw(p[7]), sh(p[8]), sw(p[9]), pt(p[10]),
        pl(p[11]) {}
  bool valid() const {
    return n > 0 && h > 0 && w > 0 && c > 0 && oh > 0 && ow > 0 && fh > 0 && fw > 0 && sh > 0 && sw > 0 && pt >= 0 &&
           pl >= 0;
  }
  // The window of output (r, col), clipped to the input: rows [r0, r1), columns [c0, c1).
  void window(int64_t r, int64_t col, int64_t &r0, int64_t &r1, int64_t &c0, int64_t &c1) const {
    const int64_t rc = r * sh - pt, cc = col * sw - pl;
    r0 = rc > 0 ? rc : 0;
    r1 = rc + fh < h ? rc + fh : h;
    c0 = cc > 0 ? cc : 0;
    c1 = cc + fw < w ? cc + fw : w;
  }
};
constexpr size_t kPoolArgs = 12;

// -O3 for the per-image loops (the build's -O2 leaves their channel loops scalar).
#pragma GCC push_options
#pragma GCC optimize("O3")
// Below this many window reads a pooling runs on the calling thread: waking the workers costs more (see threads_for).
constexpr int64_t kPoolParallelMin = int64_t(1) << 18;

int pool_threads(const PoolShape &s) {
  last_threads = s.n * s.oh * s.ow * s.c * s.fh * s.fw < kPoolParallelMin ? 1 : omp_get_max_threads();
  return last_threads;
}

// One image: y[oh, ow, c] = the max of each window, NaN skipped, -Infinity for a window of no number.
#if defined(__x86_64__)
__attribute__((target_clones("avx512f", "avx2", "default")))
#endif
void max_pool_image(const float *__restrict x, float *__restrict y, const PoolShape &s) {
  const int64_t c = s.c;
  for (int64_t r = 0; r < s.oh; r++) {
    for (int64_t col = 0; col < s.ow; col++) {
      int64_t r0, r1, c0, c1;
      s.window(r, col, r0, r1, c0, c1);
      float *__restrict out = y + (r * s.ow + col) * c;
      for (int64_t d = 0; d < c; d++) out[d] = -std::numeric_limits<float>::infinity();
      for (int64_t xr = r0; xr < r1; xr++) {
        for (int64_t xc = c0; xc < c1; xc++) {
          const float *__restrict p = x + (xr * s.w + xc) * c;
          for (int64_t d = 0; d < c; d++) out[d] = p[d] > out[d] ? p[d] : out[d];
        }
      }
    }
  }
}

// One image's gradient. Per output and channel, the argmax (the first strict maximum; -1 when nothing beats
// -Infinity) as a position k in the window, in `at` (c entries; `best` holds the running maxima). Without overlapping
// windows an input gets at most one gradient, and 0.0 + g rounds back to g (with -0 made +0, as tfjs's sum does), so
// the window is written whole: g where k is the argmax, else 0. With overlap, the gradients are summed in `acc`
// (h*w*c doubles) in ascending output order, tfjs's order, and rounded once.
#if defined(__x86_64__)
__attribute__((target_clones("avx512f", "avx2", "default")))
#endif
void max_pool_grad_image(const float *__restrict x, const float *__restrict dy, float *__restrict dx,
                         const PoolShape &s, float *__restrict best, int32_t *__restrict at, double *__restrict acc) {
  const int64_t c = s.c, w = s.w, size = s.h * s.w * c;
  const bool overlap = s.fh > s.sh || s.fw > s.sw;
  // Without overlap the windows tile the input exactly when they touch and the last one reaches the far edge;
  // otherwise the inputs no window reads need their zero first.
  const bool tiled = !overlap && s.fh == s.sh && s.fw == s.sw && (s.oh - 1) * s.sh - s.pt + s.fh >= s.h &&
                     (s.ow - 1) * s.sw - s.pl + s.fw >= s.w;
  if (overlap) {
    for (int64_t i = 0; i < size; i++) acc[i] = 0.0;
  } else if (!tiled) {
    for (int64_t i = 0; i < size; i++) dx[i] = 0.f;
  }
  for (int64_t r = 0; r < s.oh; r++) {
    for (int64_t col = 0; col < s.ow; col++) {
      int64_t r0, r1, c0, c1;
      s.window(r, col, r0, r1, c0, c1);
      for (int64_t d = 0; d < c; d++) {
        best[d] = -std::numeric_limits<float>::infinity();
        at[d] = -1;
      }
      int32_t k = 0;
      for (int64_t xr = r0; xr < r1; xr++) {
        for (int64_t xc = c0; xc < c1; xc++, k++) {
          const float *__restrict p = x + (xr * w + xc) * c;
          for (int64_t d = 0; d < c; d++) {
            const bool more = p[d] > best[d];
            best[d] = more ? p[d] : best[d];
            at[d] = more ? k : at[d];
          }
        }
      }
      const float *__restrict g = dy + (r * s.ow + col) * c;
      k = 0;
      for (int64_t xr = r0; xr < r1; xr++) {
        for (int64_t xc = c0; xc < c1; xc++, k++) {
          const int64_t base = (xr * w + xc) * c;
          if (overlap) {
            double *__restrict q = acc + base;
            for (int64_t d = 0; d < c; d++) q[d] += at[d] == k ? static_cast<double>(g[d]) : 0.0;
          } else {
            float *__restrict q = dx + base;
            for (int64_t d = 0; d < c; d++) q[d] = at[d] == k ? 0.f + g[d] : 0.f;
          }
        }
      }
    }
  }
  if (overlap) {
    for (int64_t i = 0; i < size; i++) dx[i] = static_cast<float>(acc[i]);
  }
}

#pragma GCC pop_options

// maxPool(buf, x, y, ...poolShape)
napi_value run_max_pool(napi_env env, napi_callback_info info) {
  Args a;
  if (!read_args(env, info, 2 + kPoolArgs, a)) return nullptr;
  const auto &v = a.ints;
  PoolShape s(v.data() + 2);
  if (!s.valid()) {
    napi_throw_range_error(env, nullptr, "estimatorjs native: maxPool got an empty or negative shape");
    return nullptr;
  }
  float *px = region(a, v[0], s.n * s.h * s.w * s.c);
  float *py = px ? region(a, v[1], s.n * s.oh * s.ow * s.c) : nullptr;
  if (!py) return nullptr;
  const int threads = pool_threads(s);
  const int64_t in = s.h * s.w * s.c, out = s.oh * s.ow * s.c;
#pragma omp parallel for num_threads(threads) if (threads > 1) schedule(static)
  for (int64_t b = 0; b < s.n; b++) max_pool_image(px + b * in, py + b * out, s);
  return nullptr;
}

// maxPoolGrad(buf, dy, x, dx, ...poolShape): dx = the gradient of maxPool(x) given dy, as tfjs-backend-cpu has it.
napi_value run_max_pool_grad(napi_env env, napi_callback_info info) {
  Args a;
  if (!read_args(env, info, 3 + kPoolArgs, a)) return nullptr;
  const auto &v = a.ints;
  PoolShape s(v.data() + 3);
  if (!s.valid()) {
    napi_throw_range_error(env, nullptr, "estimatorjs native: maxPoolGrad got an empty or negative shape");
    return nullptr;
  }
  float *pdy = region(a, v[0], s.n * s.oh * s.ow * s.c);
  float *px = pdy ? region(a, v[1], s.n * s.h * s.w * s.c) : nullptr;
  float *pdx = px ? region(a, v[2], s.n * s.h * s.w * s.c) : nullptr;
  if (!pdx) return nullptr;
  const int threads = pool_threads(s);
  const int64_t in = s.h * s.w * s.c, out = s.oh * s.ow * s.c;
  const bool overlap = s.fh > s.sh || s.fw > s.sw;
#pragma omp parallel num_threads(threads) if (threads > 1)
  {
    std::vector<float> best(s.c);
    std::vector<int32_t> at(s.c);
    std::vector<double> acc(overlap ? in : 0);
#pragma omp for schedule(static)
    for (int64_t b = 0; b < s.n; b++) {
      max_pool_grad_image(px + b * in, pdy + b * out, pdx + b * in, s, best.data(), at.data(), acc.data());
    }
  }
  return nullptr;
}

// ---- elementwise (issue 16: the CNN's bias Add, Multiply, Relu and Step on its big activations) -------------------
// Plain loops split over the threads, for the float32 shapes the CNN's step runs on tensors of millions of elements
// (a + b and a * b of one shape, a + bias[c] over the last axis, relu, step); the TS side sends every other shape to
// the wasm kernel. tfjs-backend-cpu computes each element in a double and rounds it to float32, which for one add or
// multiply of two float32s is the float32 operation itself (a double holds the exact product; the sum rounds once
// either way). relu is tfjs's Math.max(0, x): -0 gives +0, NaN stays NaN; step is NaN for NaN, 1 for x > 0, else
// alpha.

enum EltOp : int64_t { kAdd = 0, kMul = 1, kRelu = 2, kStep = 3 };
// Below this many elements an elementwise kernel runs on the calling thread (waking the workers costs more).
constexpr int64_t kEltParallelMin = int64_t(1) << 17;
// The rows the work is split into: whole bias rows for a broadcast, else chunks of this many elements.
constexpr int64_t kEltChunk = 8192;

#pragma GCC push_options
#pragma GCC optimize("O3")

#if defined(__x86_64__)
__attribute__((target_clones("avx512f", "avx2", "default")))
#endif
void elt_chunk(int64_t op, const float *__restrict a, const float *__restrict b, float *__restrict o, int64_t len,
               int64_t c, bool bcast, float alpha) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  switch (op) {
    case kAdd:
      if (bcast) {
        for (int64_t s = 0; s < len; s += c)
          for (int64_t j = 0; j < c; j++) o[s + j] = a[s + j] + b[j];
      } else {
        for (int64_t i = 0; i < len; i++) o[i] = a[i] + b[i];
      }
      break;
    case kMul:
      if (bcast) {
        for (int64_t s = 0; s < len; s += c)
          for (int64_t j = 0; j < c; j++) o[s + j] = a[s + j] * b[j];
      } else {
        for (int64_t i = 0; i < len; i++) o[i] = a[i] * b[i];
      }
      break;
    case kRelu:
      for (int64_t i = 0; i < len; i++) o[i] = a[i] > 0.f ? a[i] : (a[i] != a[i] ? nan : 0.f);
      break;
    case kStep:
      for (int64_t i = 0; i < len; i++) o[i] = a[i] > 0.f ? 1.f : (a[i] != a[i] ? nan : alpha);
      break;
  }
}

#pragma GCC pop_options

// elementwise(buf, op, a, b|-1, out, n, c, alphaBits): out[n] = op(a[n], b) where b has n elements (c == n) or c
// (a bias broadcast over the last axis, n a multiple of c); alphaBits is step's alpha as float32 bits.
napi_value run_elementwise(napi_env env, napi_callback_info info) {
  Args a;
  if (!read_args(env, info, 7, a)) return nullptr;
  const auto &v = a.ints;
  const int64_t op = v[0], n = v[4], c = v[5];
  const bool binary = op == kAdd || op == kMul;
  if (op < kAdd || op > kStep || n < 1 || (binary && (c < 1 || n % c != 0))) {
    napi_throw_range_error(env, nullptr, "estimatorjs native: elementwise got a bad op or shape");
    return nullptr;
  }
  float *pa = region(a, v[1], n);
  float *pb = pa && binary ? region(a, v[2], c) : pa;
  float *po = pb ? region(a, v[3], n) : nullptr;
  if (!po) return nullptr;
  const uint32_t bits = static_cast<uint32_t>(v[6]);
  float alpha;
  std::memcpy(&alpha, &bits, sizeof alpha);
  const bool bcast = binary && c < n;
  // Rows: whole multiples of the bias length for a broadcast, fixed chunks otherwise.
  const int64_t row = bcast ? c * ((kEltChunk + c - 1) / c) : kEltChunk;
  const int64_t rows = (n + row - 1) / row;
  const int threads = n < kEltParallelMin ? 1 : omp_get_max_threads();
  last_threads = threads;
#pragma omp parallel for num_threads(threads) if (threads > 1) schedule(static)
  for (int64_t r = 0; r < rows; r++) {
    const int64_t lo = r * row, len = n - lo < row ? n - lo : row;
    elt_chunk(op, pa + lo, bcast ? pb : pb + lo, po + lo, len, c, bcast, alpha);
  }
  return nullptr;
}

// ---- threads and introspection ----------------------------------------------------------------------------------

napi_value set_threads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  int32_t n = 0;
  if (argc != 1 || napi_get_value_int32(env, argv[0], &n) != napi_ok || n < 1) {
    napi_throw_range_error(env, nullptr, "estimatorjs native: setThreads() takes a whole number >= 1");
    return nullptr;
  }
  omp_set_num_threads(n);
  return nullptr;
}

napi_value get_threads(napi_env env, napi_callback_info) {
  napi_value out;
  napi_create_int32(env, omp_get_max_threads(), &out);
  return out;
}

napi_value get_last_threads(napi_env env, napi_callback_info) {
  napi_value out;
  napi_create_int32(env, last_threads, &out);
  return out;
}

napi_value version(napi_env env, napi_callback_info) {
  const dnnl_version_t *v = dnnl_version();
  std::string s = std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch);
  napi_value out;
  napi_create_string_utf8(env, s.c_str(), s.size(), &out);
  return out;
}

// Cached primitives, all kinds together (tests check the cache does not grow per step).
napi_value cached(napi_env env, napi_callback_info) {
  napi_value out;
  napi_create_int64(env, static_cast<int64_t>(matmuls.size() + conv_fwds.size() + conv_bwd_datas.size() +
                                              conv_bwd_filters.size()),
                    &out);
  return out;
}

napi_value init(napi_env env, napi_value exports) {
  const napi_property_descriptor props[] = {
      {"matMul", nullptr, run_matmul, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv2d", nullptr, run_conv2d, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv2dBackpropInput", nullptr, run_conv2d_backprop_input, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv2dBackpropFilter", nullptr, run_conv2d_backprop_filter, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"maxPool", nullptr, run_max_pool, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"maxPoolGrad", nullptr, run_max_pool_grad, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"elementwise", nullptr, run_elementwise, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"sparseSoftmaxCrossEntropy", nullptr, run_sparse_xent, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"setThreads", nullptr, set_threads, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"getThreads", nullptr, get_threads, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"version", nullptr, version, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"lastThreads", nullptr, get_last_threads, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"cachedPrimitives", nullptr, cached, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"applyAdam", nullptr, run_apply_adam, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"applyMomentum", nullptr, run_apply_momentum, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"applyRMSProp", nullptr, run_apply_rmsprop, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"applyCenteredRMSProp", nullptr, run_apply_centered_rmsprop, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
