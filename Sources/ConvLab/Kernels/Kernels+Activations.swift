extension Kernels {
    /// `Reference.reluForward` or its fast twin.
    public func reluForward(_ x: Tensor<Float>) throws -> Tensor<Float> {
        switch path {
        case .reference:
            return try Reference.reluForward(x)
        case .fast:
            return try Fast.reluForward(x)
        }
    }

    /// `Reference.reluBackward` or its fast twin.
    public func reluBackward(_ x: Tensor<Float>, dOutput: Tensor<Float>) throws -> Tensor<Float> {
        switch path {
        case .reference:
            return try Reference.reluBackward(x, dOutput: dOutput)
        case .fast:
            return try Fast.reluBackward(x, dOutput: dOutput)
        }
    }

    /// `Reference.eluForward` or its fast twin.
    public func eluForward(_ x: Tensor<Float>) throws -> Tensor<Float> {
        switch path {
        case .reference:
            return try Reference.eluForward(x)
        case .fast:
            return try Fast.eluForward(x)
        }
    }

    /// `Reference.eluBackward` or its fast twin.
    public func eluBackward(_ x: Tensor<Float>, dOutput: Tensor<Float>) throws -> Tensor<Float> {
        switch path {
        case .reference:
            return try Reference.eluBackward(x, dOutput: dOutput)
        case .fast:
            return try Fast.eluBackward(x, dOutput: dOutput)
        }
    }

    /// `Reference.sigmoidForward` or its fast twin.
    public func sigmoidForward(_ x: Tensor<Float>) throws -> Tensor<Float> {
        switch path {
        case .reference:
            return try Reference.sigmoidForward(x)
        case .fast:
            return try Fast.sigmoidForward(x)
        }
    }

    /// `Reference.sigmoidBackward` or its fast twin.
    public func sigmoidBackward(_ x: Tensor<Float>, dOutput: Tensor<Float>) throws -> Tensor<Float> {
        switch path {
        case .reference:
            return try Reference.sigmoidBackward(x, dOutput: dOutput)
        case .fast:
            return try Fast.sigmoidBackward(x, dOutput: dOutput)
        }
    }

    /// `Reference.tanhForward` or its fast twin.
    public func tanhForward(_ x: Tensor<Float>) throws -> Tensor<Float> {
        switch path {
        case .reference:
            return try Reference.tanhForward(x)
        case .fast:
            return try Fast.tanhForward(x)
        }
    }

    /// `Reference.tanhBackward` or its fast twin.
    public func tanhBackward(_ x: Tensor<Float>, dOutput: Tensor<Float>) throws -> Tensor<Float> {
        switch path {
        case .reference:
            return try Reference.tanhBackward(x, dOutput: dOutput)
        case .fast:
            return try Fast.tanhBackward(x, dOutput: dOutput)
        }
    }

    /// `Reference.softplusForward` or its fast twin.
    public func softplusForward(_ x: Tensor<Float>) throws -> Tensor<Float> {
        switch path {
        case .reference:
            return try Reference.softplusForward(x)
        case .fast:
            return try Fast.softplusForward(x)
        }
    }

    /// `Reference.softplusBackward` or its fast twin.
    public func softplusBackward(_ x: Tensor<Float>, dOutput: Tensor<Float>) throws -> Tensor<Float> {
        switch path {
        case .reference:
            return try Reference.softplusBackward(x, dOutput: dOutput)
        case .fast:
            return try Fast.softplusBackward(x, dOutput: dOutput)
        }
    }

    /// `Reference.leakyReLUForward` or its fast twin.
    public func leakyReLUForward(_ x: Tensor<Float>, alpha: Float = 0.2) throws -> Tensor<Float> {
        switch path {
        case .reference:
            return try Reference.leakyReLUForward(x, alpha: alpha)
        case .fast:
            return try Fast.leakyReLUForward(x, alpha: alpha)
        }
    }

    /// `Reference.leakyReLUBackward` or its fast twin.
    public func leakyReLUBackward(_ x: Tensor<Float>, alpha: Float = 0.2, dOutput: Tensor<Float>) throws -> Tensor<Float> {
        switch path {
        case .reference:
            return try Reference.leakyReLUBackward(x, alpha: alpha, dOutput: dOutput)
        case .fast:
            return try Fast.leakyReLUBackward(x, alpha: alpha, dOutput: dOutput)
        }
    }

    /// `Reference.maxoutForward` or its fast twin.
    public func maxoutForward(_ x: Tensor<Float>, units: Int) throws -> Tensor<Float> {
        switch path {
        case .reference:
            return try Reference.maxoutForward(x, units: units)
        case .fast:
            return try Fast.maxoutForward(x, units: units)
        }
    }

    /// `Reference.maxoutBackward` or its fast twin.
    public func maxoutBackward(_ x: Tensor<Float>, units: Int, dOutput: Tensor<Float>) throws -> Tensor<Float> {
        switch path {
        case .reference:
            return try Reference.maxoutBackward(x, units: units, dOutput: dOutput)
        case .fast:
            return try Fast.maxoutBackward(x, units: units, dOutput: dOutput)
        }
    }
}

extension Kernels {
    /// `relu(input + bias)` along the last axis, the tail of a conv layer with ReLU:
    /// `Reference.reluForward(Reference.biasAddForward(...))`, or one fused pass on the fast path.
    public func biasReLUForward(_ input: Tensor<Float>, bias: Tensor<Float>) throws -> Tensor<Float> {
        switch path {
        case .reference:
            return try Reference.reluForward(Reference.biasAddForward(input, bias: bias))
        case .fast:
            return try Fast.biasReLUForward(input, bias: bias)
        }
    }
}
