import ConvLabCore

/// Max and average pooling layers: `tf.nn.max_pool(h, [1,2,2,1], [1,2,2,1], 'SAME')`.
/// No parameters; the output is `ceil(H / s)` for SAME, `floor((H - k) / s) + 1` for VALID.
public final class Pool2D: Layer {
    /// Which pooling.
    public enum Kind: Sendable {
        /// The largest value of each window.
        case max
        /// The mean of each window's real (unpadded) cells.
        case average
    }

    public let name: String
    /// Max or average.
    public let pooling: Kind
    /// `(KH, KW)`.
    public let windowSize: Size2
    /// `(sh, sw)`.
    public let strides: Size2
    /// SAME (TF's split) or VALID, or explicit pads for max pooling; pads never count as values.
    public let padding: Padding
    private var input: Tensor<Float>?

    /// - Parameters:
    ///   - name: the scope, `pool1`.
    ///   - pooling: max or average.
    ///   - windowSize: `(KH, KW)`, 2x2 by default.
    ///   - strides: `(sh, sw)`, 2 by default.
    ///   - padding: SAME by default, as in lecture 7.
    public init(_ name: String, _ pooling: Kind, windowSize: Size2 = 2, strides: Size2 = 2, padding: Padding = .same) {
        self.name = name
        self.pooling = pooling
        self.windowSize = windowSize
        self.strides = strides
        self.padding = padding
    }

    public var kind: String { pooling == .max ? "MaxPool2D" : "AvgPool2D" }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard inputShape.count == 4 else {
            throw ConvLabError.shape(op: name, message: "pooling needs [N,H,W,C], got \(describeShape(inputShape))")
        }
        let rows = try WindowAxis(input: inputShape[1], kernel: windowSize.h, stride: strides.h,
                                  padding: padding, op: name, axis: "height")
        let cols = try WindowAxis(input: inputShape[2], kernel: windowSize.w, stride: strides.w,
                                  padding: padding, op: name, axis: "width")
        return [inputShape[0], rows.output, cols.output, inputShape[3]]
    }

    /// `maxPoolForward` or `avgPoolForward`: `[N, H, W, C]` -> `[N, OH, OW, C]`.
    public func forward(_ input: Tensor<Float>, context: LayerContext) throws -> Tensor<Float> {
        self.input = input
        switch pooling {
        case .max:
            return try context.kernels.ops.maxPoolForward(input, windowSize: windowSize, strides: strides, padding: padding)
        case .average:
            return try context.kernels.ops.avgPoolForward(input, windowSize: windowSize, strides: strides, padding: padding)
        }
    }

    /// Max: each gradient goes to its window's winner. Average: it is spread over the window's real
    /// cells.
    public func backward(_ dOutput: Tensor<Float>, context: LayerContext) throws -> Tensor<Float> {
        guard let input else { throw missingForward(self) }
        switch pooling {
        case .max:
            return try context.kernels.ops.maxPoolBackward(input, dOutput: dOutput, windowSize: windowSize,
                                                       strides: strides, padding: padding)
        case .average:
            return try context.kernels.ops.avgPoolBackward(input, dOutput: dOutput, windowSize: windowSize,
                                                       strides: strides, padding: padding)
        }
    }
}

/// `MaxPool2D("pool1")`: 2x2 max pooling with stride 2, SAME, as in lecture 7.
public func MaxPool2D(_ name: String, windowSize: Size2 = 2, strides: Size2 = 2, padding: Padding = .same) -> Pool2D {
    Pool2D(name, .max, windowSize: windowSize, strides: strides, padding: padding)
}

/// `AvgPool2D("pool1")`: average pooling; the divisor counts only real (unpadded) cells, as TF.
public func AvgPool2D(_ name: String, windowSize: Size2 = 2, strides: Size2 = 2, padding: Padding = .same) -> Pool2D {
    Pool2D(name, .average, windowSize: windowSize, strides: strides, padding: padding)
}
