using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ScopeSafety.Analyzers.Concurrency
{
    /// <summary>
    /// The places two sides can share, named by the operation that references them: today a local or parameter (a
    /// variable) and the object a local, parameter, static field or field of this holds. The one spot where fields of
    /// other objects, statics and array elements are added.
    /// </summary>
    internal static class Places
    {
        /// <summary>The local or parameter <paramref name="operation"/> references; null for anything else.</summary>
        public static ISymbol? VariableOf(IOperation operation) => operation switch
        {
            ILocalReferenceOperation local => local.Local,
            IParameterReferenceOperation parameter => parameter.Parameter,
            _ => null,
        };

        /// <summary>The shared object a reference names: a local, parameter, static field or field of this; null otherwise.</summary>
        public static ISymbol? SharedObjectOf(IOperation operation) => operation switch
        {
            ILocalReferenceOperation local => local.Local,
            IParameterReferenceOperation parameter => parameter.Parameter,
            IFieldReferenceOperation field when field.Instance == null || field.Instance is IInstanceReferenceOperation => field.Field,
            _ => null,
        };
    }
}
