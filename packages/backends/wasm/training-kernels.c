// Training kernels for tfjs-backend-wasm, compiled to wasm32 + SIMD128 by scripts/build-wasm.mjs (clang 14).
//
// The module imports tfjs-backend-wasm's own memory: every pointer below is a byte offset of a tensor the backend
// allocated, so nothing is copied in or out. Therefore these functions must never touch memory they were not
// given: no static data, no libc, and no C stack (no arrays or address-taken locals; the build script fails if
// the output reads `__stack_pointer` or has a data section). Each function is single-threaded and runs on the
// calling (main) thread while the backend's pool is idle.
#include <stdint.h>
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name)))

static inline int imax(int a, int b) { return a > b ? a : b; }
static inline int imin(int a, int b) { return a < b ? a : b; }

// Smallest oy with oy*stride + k - pad >= 0, i.e. the first output row whose tap k lands inside the input.
static inline int first_inside(int k, int pad, int stride) {
  int need = pad - k;
  return need <= 0 ? 0 : (need + stride - 1) / stride;
}

// One past the last oy with oy*stride + k - pad < in, clamped to [0, out].
static inline int end_inside(int k, int pad, int stride, int in, int out) {
  int lim = in + pad - k;  // oy*stride < lim
  if (lim <= 0) return 0;
  return imin(out, (lim + stride - 1) / stride);
}

// MaxPoolGrad, NHWC: dx (zeroed here) gets each dy at the first maximum of its window (row-major window order,
// padding skipped), as TensorFlow and tfjs-backend-cpu do; overlapping windows accumulate. Four channels at a time
// when ch % 4 == 0, one at a time otherwise.
EXPORT(max_pool_grad)
void max_pool_grad(const float* dy, const float* x, float* dx, int batch, int in_h, int in_w, int ch, int out_h,
                   int out_w, int stride_h, int stride_w, int filter_h, int filter_w, int pad_top, int pad_left) {
  const int n_in = batch * in_h * in_w * ch;
  for (int i = 0; i < n_in; i++) dx[i] = 0.0f;
  const int vec = (ch % 4 == 0) ? ch : 0;
  for (int b = 0; b < batch; b++) {
    const float* xb = x + (long)b * in_h * in_w * ch;
    float* dxb = dx + (long)b * in_h * in_w * ch;
    for (int oy = 0; oy < out_h; oy++) {
      const int y0 = oy * stride_h - pad_top;
      const int y_min = imax(0, y0), y_max = imin(in_h, y0 + filter_h);
      for (int ox = 0; ox < out_w; ox++) {
        const int x0 = ox * stride_w - pad_left;
        const int x_min = imax(0, x0), x_max = imin(in_w, x0 + filter_w);
        const float* g = dy + (((long)b * out_h + oy) * out_w + ox) * ch;
        if (y_min >= y_max || x_min >= x_max) continue;
        for (int c = 0; c < vec; c += 4) {
          v128_t best = wasm_f32x4_splat(-__builtin_inff());
          v128_t where = wasm_i32x4_splat(-1);
          for (int y = y_min; y < y_max; y++) {
            for (int xx = x_min; xx < x_max; xx++) {
              const int at = (y * in_w + xx) * ch + c;
              const v128_t v = wasm_v128_load(xb + at);
              const v128_t gt = wasm_f32x4_gt(v, best);  // strict: the first maximum wins; NaN never does
              best = wasm_v128_bitselect(v, best, gt);
              where = wasm_v128_bitselect(wasm_i32x4_splat(at), where, gt);
            }
          }
          const v128_t gv = wasm_v128_load(g + c);
          int w0 = wasm_i32x4_extract_lane(where, 0), w1 = wasm_i32x4_extract_lane(where, 1);
          int w2 = wasm_i32x4_extract_lane(where, 2), w3 = wasm_i32x4_extract_lane(where, 3);
          if (w0 >= 0) dxb[w0] += wasm_f32x4_extract_lane(gv, 0);
          if (w1 >= 0) dxb[w1 + 1] += wasm_f32x4_extract_lane(gv, 1);
          if (w2 >= 0) dxb[w2 + 2] += wasm_f32x4_extract_lane(gv, 2);
          if (w3 >= 0) dxb[w3 + 3] += wasm_f32x4_extract_lane(gv, 3);
        }
        for (int c = vec; c < ch; c++) {
          float best = -__builtin_inff();
          int where = -1;
          for (int y = y_min; y < y_max; y++) {
            for (int xx = x_min; xx < x_max; xx++) {
              const int at = (y * in_w + xx) * ch + c;
              if (xb[at] > best) {
                best = xb[at];
                where = at;
              }
            }
          }
          if (where >= 0) dxb[where] += g[c];
        }
      }
    }
  }
}

// Conv2DBackpropFilter, NHWC input x[batch,in_h,in_w,in_ch], dy[batch,out_h,out_w,out_ch], dilation 1; dw
// [filter_h,filter_w,in_ch,out_ch] is overwritten. Needs out_ch % 4 == 0. For each image, tap and input channel,
// a strip of up to 8 output-channel vectors stays in registers over the tap's valid output rectangle, so the only
// memory traffic per multiply-add is one dy vector (the image's dy stays in cache across taps).
EXPORT(conv2d_backprop_filter)
void conv2d_backprop_filter(const float* x, const float* dy, float* dw, int batch, int in_h, int in_w, int in_ch,
                            int out_h, int out_w, int out_ch, int filter_h, int filter_w, int stride_h,
                            int stride_w, int pad_top, int pad_left) {
  const int n_w = filter_h * filter_w * in_ch * out_ch;
  for (int i = 0; i < n_w; i++) dw[i] = 0.0f;
  for (int b = 0; b < batch; b++) {
    const float* xb = x + (long)b * in_h * in_w * in_ch;
    const float* gb = dy + (long)b * out_h * out_w * out_ch;
    for (int kh = 0; kh < filter_h; kh++) {
      const int oy0 = first_inside(kh, pad_top, stride_h);
      const int oy1 = end_inside(kh, pad_top, stride_h, in_h, out_h);
      for (int kw = 0; kw < filter_w; kw++) {
        const int ox0 = first_inside(kw, pad_left, stride_w);
        const int ox1 = end_inside(kw, pad_left, stride_w, in_w, out_w);
        if (oy0 >= oy1 || ox0 >= ox1) continue;
        for (int ci = 0; ci < in_ch; ci++) {
          float* wrow = dw + ((long)(kh * filter_w + kw) * in_ch + ci) * out_ch;
          for (int co = 0; co < out_ch; co += 32) {
            const int nv = imin(8, (out_ch - co) / 4);
            v128_t a0 = wasm_f32x4_splat(0), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
            for (int oy = oy0; oy < oy1; oy++) {
              const int iy = oy * stride_h + kh - pad_top;
              const float* xr = xb + ((long)iy * in_w) * in_ch + ci;
              const float* gr = gb + (long)oy * out_w * out_ch + co;
              for (int ox = ox0; ox < ox1; ox++) {
                const int ix = ox * stride_w + kw - pad_left;
                const v128_t xv = wasm_f32x4_splat(xr[ix * in_ch]);
                const float* gp = gr + ox * out_ch;
                // nv is fixed for the strip; the switch falls through so one loop serves 1..8 vectors
                switch (nv) {
                  case 8: a7 = wasm_f32x4_add(a7, wasm_f32x4_mul(xv, wasm_v128_load(gp + 28))); // fall through
                  case 7: a6 = wasm_f32x4_add(a6, wasm_f32x4_mul(xv, wasm_v128_load(gp + 24))); // fall through
                  case 6: a5 = wasm_f32x4_add(a5, wasm_f32x4_mul(xv, wasm_v128_load(gp + 20))); // fall through
                  case 5: a4 = wasm_f32x4_add(a4, wasm_f32x4_mul(xv, wasm_v128_load(gp + 16))); // fall through
                  case 4: a3 = wasm_f32x4_add(a3, wasm_f32x4_mul(xv, wasm_v128_load(gp + 12))); // fall through
                  case 3: a2 = wasm_f32x4_add(a2, wasm_f32x4_mul(xv, wasm_v128_load(gp + 8)));  // fall through
                  case 2: a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(xv, wasm_v128_load(gp + 4)));  // fall through
                  default: a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(xv, wasm_v128_load(gp)));
                }
              }
            }
            float* wp = wrow + co;
            switch (nv) {
              case 8: wasm_v128_store(wp + 28, wasm_f32x4_add(wasm_v128_load(wp + 28), a7)); // fall through
              case 7: wasm_v128_store(wp + 24, wasm_f32x4_add(wasm_v128_load(wp + 24), a6)); // fall through
              case 6: wasm_v128_store(wp + 20, wasm_f32x4_add(wasm_v128_load(wp + 20), a5)); // fall through
              case 5: wasm_v128_store(wp + 16, wasm_f32x4_add(wasm_v128_load(wp + 16), a4)); // fall through
              case 4: wasm_v128_store(wp + 12, wasm_f32x4_add(wasm_v128_load(wp + 12), a3)); // fall through
              case 3: wasm_v128_store(wp + 8, wasm_f32x4_add(wasm_v128_load(wp + 8), a2));   // fall through
              case 2: wasm_v128_store(wp + 4, wasm_f32x4_add(wasm_v128_load(wp + 4), a1));   // fall through
              default: wasm_v128_store(wp, wasm_f32x4_add(wasm_v128_load(wp), a0));
            }
          }
        }
      }
    }
  }
}

// Conv2D forward, NHWC, dilation 1, for few input channels (where XNNPACK's packing dominates): y[batch,out_h,
// out_w,out_ch] is overwritten. Needs out_ch % 4 == 0 and out_ch <= 32: all output channels of a pixel stay in
// registers over the window's taps. Where the window lies wholly inside the input and out_ch <= 20, two
// neighbouring output pixels share each filter load (the loads, not the arithmetic, bound the one-pixel loop).
#define ACC1(k) a##k = wasm_f32x4_add(a##k, wasm_f32x4_mul(xv, wasm_v128_load(wp + 4 * k)))
#define ACC2(k)                                             \
  do {                                                      \
    const v128_t wv = wasm_v128_load(wp + 4 * k);           \
    a##k = wasm_f32x4_add(a##k, wasm_f32x4_mul(xv, wv));    \
    b##k = wasm_f32x4_add(b##k, wasm_f32x4_mul(xu, wv));    \
  } while (0)

EXPORT(conv2d_few_channels)
void conv2d_few_channels(const float* x, const float* w, float* y, int batch, int in_h, int in_w, int in_ch,
                         int out_h, int out_w, int out_ch, int filter_h, int filter_w, int stride_h, int stride_w,
                         int pad_top, int pad_left) {
  const int nv = out_ch / 4;
  const int tap = in_ch * out_ch;  // filter floats per (kh, kw)
  for (int b = 0; b < batch; b++) {
    const float* xb = x + (long)b * in_h * in_w * in_ch;
    for (int oy = 0; oy < out_h; oy++) {
      const int y0 = oy * stride_h - pad_top;
      const int kh0 = imax(0, -y0), kh1 = imin(filter_h, in_h - y0);
      float* yrow = y + ((long)b * out_h + oy) * out_w * out_ch;
      int ox = 0;
      while (ox < out_w) {
        const int x0 = ox * stride_w - pad_left;
        if (nv <= 5 && ox + 1 < out_w && x0 >= 0 && x0 + stride_w + filter_w <= in_w) {
          v128_t a0 = wasm_f32x4_splat(0), a1 = a0, a2 = a0, a3 = a0, a4 = a0;
          v128_t b0 = a0, b1 = a0, b2 = a0, b3 = a0, b4 = a0;
          for (int kh = kh0; kh < kh1; kh++) {
            const float* xp = xb + ((long)(y0 + kh) * in_w + x0) * in_ch;
            const float* wp = w + (long)kh * filter_w * tap;
            for (int kw = 0; kw < filter_w; kw++, xp += in_ch) {
              for (int ci = 0; ci < in_ch; ci++, wp += out_ch) {
                const v128_t xv = wasm_f32x4_splat(xp[ci]);
                const v128_t xu = wasm_f32x4_splat(xp[stride_w * in_ch + ci]);
                switch (nv) {
                  case 5: ACC2(4); // fall through
                  case 4: ACC2(3); // fall through
                  case 3: ACC2(2); // fall through
                  case 2: ACC2(1); // fall through
                  default: ACC2(0);
                }
              }
            }
          }
          float* yp = yrow + (long)ox * out_ch;
          float* yq = yp + out_ch;
          switch (nv) {
            case 5: wasm_v128_store(yp + 16, a4); wasm_v128_store(yq + 16, b4); // fall through
            case 4: wasm_v128_store(yp + 12, a3); wasm_v128_store(yq + 12, b3); // fall through
            case 3: wasm_v128_store(yp + 8, a2); wasm_v128_store(yq + 8, b2);   // fall through
            case 2: wasm_v128_store(yp + 4, a1); wasm_v128_store(yq + 4, b1);   // fall through
            default: wasm_v128_store(yp, a0); wasm_v128_store(yq, b0);
          }
          ox += 2;
          continue;
        }
        const int kw0 = imax(0, -x0), kw1 = imin(filter_w, in_w - x0);
        v128_t a0 = wasm_f32x4_splat(0), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        for (int kh = kh0; kh < kh1; kh++) {
          for (int kw = kw0; kw < kw1; kw++) {
            const float* xp = xb + ((long)(y0 + kh) * in_w + (x0 + kw)) * in_ch;
            const float* wp = w + (long)(kh * filter_w + kw) * tap;
            for (int ci = 0; ci < in_ch; ci++, wp += out_ch) {
              const v128_t xv = wasm_f32x4_splat(xp[ci]);
              switch (nv) {
                case 8: ACC1(7); // fall through
                case 7: ACC1(6); // fall through
                case 6: ACC1(5); // fall through
                case 5: ACC1(4); // fall through
                case 4: ACC1(3); // fall through
                case 3: ACC1(2); // fall through
                case 2: ACC1(1); // fall through
                default: ACC1(0);
              }
            }
          }
        }
        float* yp = yrow + (long)ox * out_ch;
        switch (nv) {
          case 8: wasm_v128_store(yp + 28, a7); // fall through
          case 7: wasm_v128_store(yp + 24, a6); // fall through
          case 6: wasm_v128_store(yp + 20, a5); // fall through
          case 5: wasm_v128_store(yp + 16, a4); // fall through
          case 4: wasm_v128_store(yp + 12, a3); // fall through
          case 3: wasm_v128_store(yp + 8, a2);  // fall through
          case 2: wasm_v128_store(yp + 4, a1);  // fall through
          default: wasm_v128_store(yp, a0);
        }
        ox += 1;
      }
    }
  }
}

// Sum over every axis but the last (a bias gradient): out[cols] = sum over rows of x[rows, cols]. Rows are added
// in order (each column's sum is a plain sequential float sum), read once front to back; `out` stays in cache.
EXPORT(sum_leading)
void sum_leading(const float* x, float* out, int rows, int cols) {
  const int vec = cols - cols % 4;
  for (int c = 0; c < cols; c++) out[c] = 0.0f;
  for (int r = 0; r < rows; r++) {
    const float* p = x + (long)r * cols;
    for (int c = 0; c < vec; c += 4) {
      wasm_v128_store(out + c, wasm_f32x4_add(wasm_v128_load(out + c), wasm_v128_load(p + c)));
    }
    for (int c = vec; c < cols; c++) out[c] += p[c];
  }
}

// The fused Adam update (@estimatorjs/io's APPLY_ADAM_KERNEL), bit-identical to the composite float32 ops the
// estimator runs without it: m' = b1*m + c1*g; v' = b2*v + c2*(g*g); var' = var - lr_t*(m' / (sqrt(v') + eps)),
// each operation rounded to float32 in that order (wasm has no fused multiply-add to contract into). Writes new
// buffers; the inputs stay as they were (another tensor may share a variable's buffer).
EXPORT(apply_adam)
void apply_adam(const float* var, const float* m, const float* v, const float* g, float* var_out, float* m_out,
                float* v_out, int n, float lr_t, float b1, float c1, float b2, float c2, float eps) {
  const int vec = n - n % 4;
  const v128_t vb1 = wasm_f32x4_splat(b1), vc1 = wasm_f32x4_splat(c1), vb2 = wasm_f32x4_splat(b2);
  const v128_t vc2 = wasm_f32x4_splat(c2), veps = wasm_f32x4_splat(eps), vlr = wasm_f32x4_splat(lr_t);
  for (int i = 0; i < vec; i += 4) {
    const v128_t gi = wasm_v128_load(g + i);
    const v128_t mi = wasm_f32x4_add(wasm_f32x4_mul(vb1, wasm_v128_load(m + i)), wasm_f32x4_mul(vc1, gi));
    const v128_t vi =
        wasm_f32x4_add(wasm_f32x4_mul(vb2, wasm_v128_load(v + i)), wasm_f32x4_mul(vc2, wasm_f32x4_mul(gi, gi)));
    const v128_t step = wasm_f32x4_mul(vlr, wasm_f32x4_div(mi, wasm_f32x4_add(wasm_f32x4_sqrt(vi), veps)));
    wasm_v128_store(m_out + i, mi);
    wasm_v128_store(v_out + i, vi);
    wasm_v128_store(var_out + i, wasm_f32x4_sub(wasm_v128_load(var + i), step));
  }
  for (int i = vec; i < n; i++) {
    const float mi = b1 * m[i] + c1 * g[i];
    const float vi = b2 * v[i] + c2 * (g[i] * g[i]);
    m_out[i] = mi;
    v_out[i] = vi;
    var_out[i] = var[i] - lr_t * (mi / (__builtin_sqrtf(vi) + eps));
  }
}

// The fused momentum update (@estimatorjs/io's APPLY_MOMENTUM_KERNEL), bit-identical to the composite float32 ops:
// accum' = mu*accum + g; var' = var - lr*accum', or with Nesterov var' = var - (lr*g + lr_mu*accum'). New buffers.
EXPORT(apply_momentum)
void apply_momentum(const float* var, const float* accum, const float* g, float* var_out, float* accum_out, int n,
                    float lr, float mu, float lr_mu, int nesterov) {
  const int vec = n - n % 4;
  const v128_t vlr = wasm_f32x4_splat(lr), vmu = wasm_f32x4_splat(mu), vlrmu = wasm_f32x4_splat(lr_mu);
  for (int i = 0; i < vec; i += 4) {
    const v128_t gi = wasm_v128_load(g + i);
    const v128_t a = wasm_f32x4_add(wasm_f32x4_mul(vmu, wasm_v128_load(accum + i)), gi);
    const v128_t step = nesterov ? wasm_f32x4_add(wasm_f32x4_mul(vlr, gi), wasm_f32x4_mul(vlrmu, a))
                                 : wasm_f32x4_mul(vlr, a);
    wasm_v128_store(accum_out + i, a);
    wasm_v128_store(var_out + i, wasm_f32x4_sub(wasm_v128_load(var + i), step));
  }
  for (int i = vec; i < n; i++) {
    const float a = mu * accum[i] + g[i];
    accum_out[i] = a;
    var_out[i] = var[i] - (nesterov ? lr * g[i] + lr_mu * a : lr * a);
  }
}

// The fused RMSProp update (@estimatorjs/io's APPLY_RMSPROP_KERNEL), bit-identical to the composite float32 ops:
// ms' = rho*ms + c*(g*g); centered: mg' = rho*mg + c*g, d = ms' - mg'*mg'; else d = ms';
// mom' = mu*mom + (lr*g) / sqrt(d + eps); var' = var - mom'. New buffers; mg and mg_out are unused unless centered.
EXPORT(apply_rmsprop)
void apply_rmsprop(const float* var, const float* ms, const float* mom, const float* g, const float* mg,
                   float* var_out, float* ms_out, float* mom_out, float* mg_out, int n, float lr, float rho, float c,
                   float mu, float eps, int centered) {
  const int vec = n - n % 4;
  const v128_t vlr = wasm_f32x4_splat(lr), vrho = wasm_f32x4_splat(rho), vc = wasm_f32x4_splat(c);
  const v128_t vmu = wasm_f32x4_splat(mu), veps = wasm_f32x4_splat(eps);
  for (int i = 0; i < vec; i += 4) {
    const v128_t gi = wasm_v128_load(g + i);
    const v128_t s =
        wasm_f32x4_add(wasm_f32x4_mul(vrho, wasm_v128_load(ms + i)), wasm_f32x4_mul(vc, wasm_f32x4_mul(gi, gi)));
    v128_t d = s;
    if (centered) {
      const v128_t a = wasm_f32x4_add(wasm_f32x4_mul(vrho, wasm_v128_load(mg + i)), wasm_f32x4_mul(vc, gi));
      wasm_v128_store(mg_out + i, a);
      d = wasm_f32x4_sub(s, wasm_f32x4_mul(a, a));
    }
    const v128_t step = wasm_f32x4_div(wasm_f32x4_mul(vlr, gi), wasm_f32x4_sqrt(wasm_f32x4_add(d, veps)));
    const v128_t m = wasm_f32x4_add(wasm_f32x4_mul(vmu, wasm_v128_load(mom + i)), step);
    wasm_v128_store(ms_out + i, s);
    wasm_v128_store(mom_out + i, m);
    wasm_v128_store(var_out + i, wasm_f32x4_sub(wasm_v128_load(var + i), m));
  }
  for (int i = vec; i < n; i++) {
    const float s = rho * ms[i] + c * (g[i] * g[i]);
    float d = s;
    if (centered) {
      const float a = rho * mg[i] + c * g[i];
      mg_out[i] = a;
      d = s - a * a;
    }
    const float m = mu * mom[i] + (lr * g[i]) / __builtin_sqrtf(d + eps);
    ms_out[i] = s;
    mom_out[i] = m;
    var_out[i] = var[i] - m;
  }
}
