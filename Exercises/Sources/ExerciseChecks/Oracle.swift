import Foundation
import ExerciseKit

/// Independent implementations the checks compare against. They are written differently from
/// the reference solutions on purpose (explicit zero-padded copies, real-cell lists, gradients by
/// linearity or finite differences), so a solution and its check do not share a mistake.
enum Oracle {
    /// TF's rule for one axis: output size and the padding before and after.
    static func axis(input: Int, kernel: Int, stride: Int, dilation: Int = 1,
                     padding: Padding) -> (output: Int, before: Int, after: Int) {
        let extent = (kernel - 1) * dilation + 1
        switch padding {
        case .valid:
            return (input >= extent ? (input - extent) / stride + 1 : 0, 0, 0)
        case .same:
            let output = (input + stride - 1) / stride
            let total = Swift.max(0, (output - 1) * stride + extent - input)
            return (output, total / 2, total - total / 2)
        }
    }

    /// Copies `x` [N,H,W,C] into a larger tensor with zero rows/columns added around it.
    static func padded(_ x: Tensor, top: Int, bottom: Int, left: Int, right: Int) -> Tensor {
        let (n, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        var out = Tensor(zeros: [n, h + top + bottom, w + left + right, c])
        for b in 0..<n { for i in 0..<h { for j in 0..<w { for k in 0..<c {
            out[b, i + top, j + left, k] = x[b, i, j, k]
        } } } }
        return out
    }

    /// conv2d: pad first, then slide a VALID dilated, strided window.
    static func conv(_ x: Tensor, _ f: Tensor, strides: Size2 = Size2(1, 1),
                     dilations: Size2 = Size2(1, 1), padding: Padding = .valid) -> Tensor {
        let rows = axis(input: x.shape[1], kernel: f.shape[0], stride: strides.h, dilation: dilations.h, padding: padding)
        let cols = axis(input: x.shape[2], kernel: f.shape[1], stride: strides.w, dilation: dilations.w, padding: padding)
        let p = padded(x, top: rows.before, bottom: rows.after, left: cols.before, right: cols.after)
        var y = Tensor(zeros: [x.shape[0], rows.output, cols.output, f.shape[3]])
        for n in 0..<x.shape[0] { for oi in 0..<rows.output { for oj in 0..<cols.output { for o in 0..<f.shape[3] {
            var s = 0.0
            for a in 0..<f.shape[0] { for b in 0..<f.shape[1] { for c in 0..<f.shape[2] {
                s += p[n, oi * strides.h + a * dilations.h, oj * strides.w + b * dilations.w, c] * f[a, b, c, o]
            } } }
            y[n, oi, oj, o] = s
        } } } }
        return y
    }

    /// The real (unpadded) input cells a pooling window covers, as (row, column) pairs.
    static func windowCells(oi: Int, oj: Int, rows: (output: Int, before: Int, after: Int),
                            cols: (output: Int, before: Int, after: Int), window: Size2, strides: Size2,
                            height: Int, width: Int) -> [(Int, Int)] {
        var cells: [(Int, Int)] = []
        for a in 0..<window.h { for b in 0..<window.w {
            let i = oi * strides.h - rows.before + a, j = oj * strides.w - cols.before + b
            if i >= 0 && i < height && j >= 0 && j < width { cells.append((i, j)) }
        } }
        return cells
    }

    /// Max or average pooling over the real cells of each window (TF semantics).
    static func pool(_ x: Tensor, window: Size2, strides: Size2, padding: Padding, average: Bool) -> Tensor {
        let rows = axis(input: x.shape[1], kernel: window.h, stride: strides.h, padding: padding)
        let cols = axis(input: x.shape[2], kernel: window.w, stride: strides.w, padding: padding)
        var y = Tensor(zeros: [x.shape[0], rows.output, cols.output, x.shape[3]])
        for n in 0..<x.shape[0] { for oi in 0..<rows.output { for oj in 0..<cols.output { for c in 0..<x.shape[3] {
            let values = windowCells(oi: oi, oj: oj, rows: rows, cols: cols, window: window, strides: strides,
                                     height: x.shape[1], width: x.shape[2]).map { x[n, $0.0, $0.1, c] }
            y[n, oi, oj, c] = average ? values.reduce(0, +) / Double(values.count) : values.max()!
        } } } }
        return y
    }

    /// The gradient of `L = sum(F(x) * dOutput)` for a LINEAR `F`: component k is
    /// `sum(F(e_k) * dOutput)`, with `e_k` the k-th unit tensor. Exact, and independent of any
    /// backward code.
    static func linearGradient(of f: (Tensor) -> Tensor, at shape: [Int], dOutput: Tensor) -> Tensor {
        var grad = Tensor(zeros: shape)
        for k in grad.scalars.indices {
            var unit = Tensor(zeros: shape)
            unit.scalars[k] = 1
            let y = f(unit)
            grad.scalars[k] = zip(y.scalars, dOutput.scalars).reduce(0) { $0 + $1.0 * $1.1 }
        }
        return grad
    }

    /// Centred differences of a scalar function, step `h`.
    static func numericalGradient(of f: (Tensor) -> Double, at x: Tensor, h: Double = 1e-5) -> Tensor {
        var grad = Tensor(zeros: x.shape)
        for k in x.scalars.indices {
            var plus = x, minus = x
            plus.scalars[k] += h
            minus.scalars[k] -= h
            grad.scalars[k] = (f(plus) - f(minus)) / (2 * h)
        }
        return grad
    }

    /// Per-example softmax cross-entropy by log-sum-exp.
    static func crossEntropy(logits: [Double], labels: [Double]) -> Double {
        let m = logits.max()!
        let logSum = m + Foundation.log(logits.reduce(0) { $0 + Foundation.exp($1 - m) })
        return zip(logits, labels).reduce(0) { $0 + $1.1 * (logSum - $1.0) }
    }

    /// The receptive field by brute force: the input positions output cells 0 and 1 of the
    /// last layer read, followed back layer by layer; returns their span and the distance
    /// between the two cells' first positions.
    static func receptiveField(_ layers: [WindowLayer]) -> (size: Int, jump: Int) {
        func positions(cell: Int) -> Set<Int> {
            var current: Set<Int> = [cell]
            for layer in layers.reversed() {
                var previous: Set<Int> = []
                for p in current { for t in 0..<layer.kernel { previous.insert(p * layer.stride + t * layer.dilation) } }
                current = previous
            }
            return current
        }
        let first = positions(cell: 0), second = positions(cell: 1)
        return (first.max()! - first.min()! + 1, second.min()! - first.min()!)
    }

    /// TF2's resize by sampling: each output pixel's centre, mapped into the input (half-pixel
    /// centres), reads the pixel under it (nearest) or the four whose centres surround it,
    /// weighted by distance (bilinear); pixels beyond the edge repeat the edge.
    static func resize(_ t: Tensor, _ size: Size2, bilinear: Bool) -> Tensor {
        let (n, h, w, c) = (t.shape[0], t.shape[1], t.shape[2], t.shape[3])
        func at(_ b: Int, _ r: Int, _ s: Int, _ k: Int) -> Double { t[b, Swift.min(Swift.max(r, 0), h - 1), Swift.min(Swift.max(s, 0), w - 1), k] }
        var y = Tensor(zeros: [n, size.h, size.w, c])
        for b in 0..<n { for i in 0..<size.h { for j in 0..<size.w { for k in 0..<c {
            let centreY = (Double(i) + 0.5) * Double(h) / Double(size.h), centreX = (Double(j) + 0.5) * Double(w) / Double(size.w)
            if !bilinear {
                y[b, i, j, k] = at(b, Int(centreY.rounded(.down)), Int(centreX.rounded(.down)), k)
                continue
            }
            // Pixel r's centre sits at r + 0.5.
            let cy = centreY - 0.5, cx = centreX - 0.5
            let r = Int(cy.rounded(.down)), s = Int(cx.rounded(.down))
            let dy = cy - Double(r), dx = cx - Double(s)
            y[b, i, j, k] = at(b, r, s, k) * (1 - dy) * (1 - dx) + at(b, r, s + 1, k) * (1 - dy) * dx
                + at(b, r + 1, s, k) * dy * (1 - dx) + at(b, r + 1, s + 1, k) * dy * dx
        } } } }
        return y
    }
}
