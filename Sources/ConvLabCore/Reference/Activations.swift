/// Activations: elementwise nonlinearities as `tf.nn`, forward and backward, in plain loops.
///
///     relu(x)      = max(x, 0)                      relu'(x)      = 1 if x > 0 else 0
///     leakyReLU(x) = x if x > 0 else alpha * x      leakyReLU'(x) = 1 if x > 0 else alpha
///     elu(x)       = x if x > 0 else exp(x) - 1     elu'(x)       = 1 if x > 0 else exp(x)
///     sigmoid(x)   = 1 / (1 + exp(-x))              sigmoid'(x)   = s * (1 - s)
///     tanh(x)                                       tanh'(x)      = 1 - tanh(x)^2
///     softplus(x)  = log(1 + exp(x))                softplus'(x)  = sigmoid(x)
///
/// At the kinks the derivative takes TF's value: ReLU at 0 is 0, leaky ReLU at 0 is alpha, ELU at
/// 0 is 1 (`exp(0)`). Every backward pass returns `dInput = dOutput * f'(x)` elementwise and
/// takes the forward *input* `x`, not the output.
///
/// Sigmoid and softplus are written so that no `exp` overflows: for |x| ~ 1000 they return 0, 1
/// or x exactly instead of NaN (`softplus(x) = max(x, 0) + log1p(exp(-|x|))`).
extension Reference {
    // MARK: - ReLU

    /// ReLU, as `tf.nn.relu`: `max(x, 0)`.
    /// - Parameter x: any shape.
    /// - Returns: the same shape.
    /// - Throws: never for a valid tensor; `throws` keeps every op's signature alike.
    public static func reluForward<Scalar: TensorScalar>(_ x: Tensor<Scalar>) throws -> Tensor<Scalar> {
        x.map { $0 > 0 ? $0 : 0 }
    }

    /// The gradient of `reluForward`: `dOutput` where `x > 0`, else 0 (0 at `x == 0`, as TF).
    /// - Parameters:
    ///   - x: the forward input, any shape.
    ///   - dOutput: the same shape.
    /// - Returns: `dInput`, the same shape.
    /// - Throws: `ConvLabError.shape` naming `reluBackward` when the shapes differ.
    public static func reluBackward<Scalar: TensorScalar>(
        _ x: Tensor<Scalar>, dOutput: Tensor<Scalar>
    ) throws -> Tensor<Scalar> {
        try elementwiseBackward(x, dOutput, op: "reluBackward") { x in x > 0 ? 1 : 0 }
    }

    // MARK: - Leaky ReLU

    /// Leaky ReLU, as `tf.nn.leaky_relu`: `x` if `x > 0` else `alpha * x`.
    /// - Parameters:
    ///   - x: any shape.
    ///   - alpha: the slope for negative inputs (TF's default 0.2).
    /// - Returns: the same shape.
    /// - Throws: `ConvLabError.argument` naming `leakyReLU` when `alpha` is not finite.
    public static func leakyReLUForward<Scalar: TensorScalar>(
        _ x: Tensor<Scalar>, alpha: Scalar = 0.2
    ) throws -> Tensor<Scalar> {
        try OpCheck.finite(alpha, name: "alpha", op: "leakyReLU")
        return x.map { $0 > 0 ? $0 : alpha * $0 }
    }

    /// The gradient of `leakyReLUForward`: `dOutput` where `x > 0`, else `alpha * dOutput`
    /// (alpha at `x == 0`, as TF).
    /// - Parameters: `x` (any shape), `alpha`, `dOutput` (the same shape).
    /// - Returns: `dInput`, the same shape.
    /// - Throws: `ConvLabError` naming `leakyReLUBackward` when the shapes differ or `alpha` is not finite.
    public static func leakyReLUBackward<Scalar: TensorScalar>(
        _ x: Tensor<Scalar>, alpha: Scalar = 0.2, dOutput: Tensor<Scalar>
    ) throws -> Tensor<Scalar> {
        try OpCheck.finite(alpha, name: "alpha", op: "leakyReLUBackward")
        return try elementwiseBackward(x, dOutput, op: "leakyReLUBackward") { x in x > 0 ? 1 : alpha }
    }

    // MARK: - ELU

    /// ELU with alpha 1, as `tf.nn.elu`: `x` if `x > 0` else `exp(x) - 1` (computed as `expm1`).
    /// - Parameter x: any shape.
    /// - Returns: the same shape.
    /// - Throws: never for a valid tensor.
    public static func eluForward<Scalar: TensorScalar>(_ x: Tensor<Scalar>) throws -> Tensor<Scalar> {
        x.map { $0 > 0 ? $0 : Scalar.expm1($0) }
    }

    /// The gradient of `eluForward`: `dOutput` where `x > 0`, else `exp(x) * dOutput`
    /// (1 at `x == 0`, as TF).
    /// - Parameters: `x` (any shape), `dOutput` (the same shape).
    /// - Returns: `dInput`, the same shape.
    /// - Throws: `ConvLabError.shape` naming `eluBackward` when the shapes differ.
    public static func eluBackward<Scalar: TensorScalar>(
        _ x: Tensor<Scalar>, dOutput: Tensor<Scalar>
    ) throws -> Tensor<Scalar> {
        try elementwiseBackward(x, dOutput, op: "eluBackward") { x in x > 0 ? 1 : Scalar.exp(x) }
    }

    // MARK: - Sigmoid

    /// The logistic sigmoid, as `tf.math.sigmoid`: `1 / (1 + exp(-x))`.
    /// - Parameter x: any shape.
    /// - Returns: the same shape, values in [0, 1].
    /// - Throws: never for a valid tensor.
    public static func sigmoidForward<Scalar: TensorScalar>(_ x: Tensor<Scalar>) throws -> Tensor<Scalar> {
        x.map(stableSigmoid)
    }

    /// The gradient of `sigmoidForward`: `dOutput * s * (1 - s)` with `s = sigmoid(x)`.
    /// - Parameters: `x` (any shape), `dOutput` (the same shape).
    /// - Returns: `dInput`, the same shape.
    /// - Throws: `ConvLabError.shape` naming `sigmoidBackward` when the shapes differ.
    public static func sigmoidBackward<Scalar: TensorScalar>(
        _ x: Tensor<Scalar>, dOutput: Tensor<Scalar>
    ) throws -> Tensor<Scalar> {
        try elementwiseBackward(x, dOutput, op: "sigmoidBackward") { x in
            let s = stableSigmoid(x)
            return s * (1 - s)
        }
    }

    /// `1 / (1 + exp(-x))` without overflow: for negative `x` the same value is written
    /// `exp(x) / (1 + exp(x))`, so `exp` only ever sees a non-positive argument.
    @usableFromInline
    static func stableSigmoid<Scalar: TensorScalar>(_ x: Scalar) -> Scalar {
        if x >= 0 {
            return 1 / (1 + Scalar.exp(-x))
        }
        let e = Scalar.exp(x)
        return e / (1 + e)
    }

    // MARK: - Tanh

    /// The hyperbolic tangent, as `tf.math.tanh`.
    /// - Parameter x: any shape.
    /// - Returns: the same shape, values in [-1, 1].
    /// - Throws: never for a valid tensor.
    public static func tanhForward<Scalar: TensorScalar>(_ x: Tensor<Scalar>) throws -> Tensor<Scalar> {
        x.map { Scalar.tanh($0) }
    }

    /// The gradient of `tanhForward`: `dOutput * (1 - tanh(x)^2)`.
    /// - Parameters: `x` (any shape), `dOutput` (the same shape).
    /// - Returns: `dInput`, the same shape.
    /// - Throws: `ConvLabError.shape` naming `tanhBackward` when the shapes differ.
    public static func tanhBackward<Scalar: TensorScalar>(
        _ x: Tensor<Scalar>, dOutput: Tensor<Scalar>
    ) throws -> Tensor<Scalar> {
        try elementwiseBackward(x, dOutput, op: "tanhBackward") { x in
            let t = Scalar.tanh(x)
            return 1 - t * t
        }
    }

    // MARK: - Softplus

    /// Softplus, as `tf.math.softplus`: `log(1 + exp(x))`, computed as
    /// `max(x, 0) + log1p(exp(-|x|))` so that large `|x|` neither overflows nor loses `x`.
    /// - Parameter x: any shape.
    /// - Returns: the same shape, values > 0 (or 0 after underflow).
    /// - Throws: never for a valid tensor.
    public static func softplusForward<Scalar: TensorScalar>(_ x: Tensor<Scalar>) throws -> Tensor<Scalar> {
        x.map { Swift.max($0, 0) + Scalar.log1p(Scalar.exp(-abs($0))) }
    }

    /// The gradient of `softplusForward`: `dOutput * sigmoid(x)`.
    /// - Parameters: `x` (any shape), `dOutput` (the same shape).
    /// - Returns: `dInput`, the same shape.
    /// - Throws: `ConvLabError.shape` naming `softplusBackward` when the shapes differ.
    public static func softplusBackward<Scalar: TensorScalar>(
        _ x: Tensor<Scalar>, dOutput: Tensor<Scalar>
    ) throws -> Tensor<Scalar> {
        try elementwiseBackward(x, dOutput, op: "softplusBackward") { x in stableSigmoid(x) }
    }

    // MARK: - Shared by the elementwise backward passes

    /// `dInput[k] = dOutput[k] * derivative(x[k])` after checking that the shapes agree: the
    /// backward pass of any elementwise op, these activations' and a new op's in its own file.
    static func elementwiseBackward<Scalar: TensorScalar>(
        _ x: Tensor<Scalar>, _ dOutput: Tensor<Scalar>, op: String,
        derivative: (Scalar) -> Scalar
    ) throws -> Tensor<Scalar> {
        try OpCheck.sameShape(dOutput.shape, x.shape, op: op)
        var dInput = Tensor<Scalar>.zerosUnchecked(x.shape)
        for k in 0..<x.count {
            dInput.scalars[k] = dOutput.scalars[k] * derivative(x.scalars[k])
        }
        return dInput
    }
}
