/// Float-argument forms of TorchSharp's comparison and clamp methods. TorchSharp takes a Scalar
/// through an implicit conversion that F# cannot choose between overloads; arithmetic with a
/// double already has operator overloads (x * 2.0), comparisons and clamps do not.
[<AutoOpen>]
module internal Qnn.TensorExtensions

open TorchSharp

type torch.Tensor with
    member x.Ge(v: float) = x.ge(v.ToScalar())
    member x.Gt(v: float) = x.gt(v.ToScalar())
    member x.Le(v: float) = x.le(v.ToScalar())
    member x.Lt(v: float) = x.lt(v.ToScalar())
    member x.ClampTo(low: float, high: float) = x.clamp(low.ToScalar(), high.ToScalar())
    member x.ClampMin(low: float) = x.clamp(min = low.ToScalar())
    /// A boolean mask as 0/1 values of `like`'s dtype.
    member x.AsValuesOf(like: torch.Tensor) = x.to_type(like.dtype)
