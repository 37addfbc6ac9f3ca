using System.Collections.Generic;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ScopeSafety.Analyzers.Flow
{
    /// <summary>
    /// Every operation of a member that names one of its locals: the declarator, each reference, and a type pattern that
    /// declares it, in the order of the code. A member is read once and its list kept with its operation tree, so the
    /// questions asked of one local (the one value it holds, the element or member it stands for) read that local's few
    /// operations instead of the whole member once per local, which grew with the square of a long method.
    /// </summary>
    internal static class LocalMentions
    {
        private static readonly IReadOnlyList<IOperation> None = new IOperation[0];

        private static readonly ConditionalWeakTable<IOperation, Dictionary<ILocalSymbol, List<IOperation>>> ByMember =
            new ConditionalWeakTable<IOperation, Dictionary<ILocalSymbol, List<IOperation>>>();

        /// <summary>The operations naming <paramref name="local"/> in the whole member around <paramref name="use"/> (see <see cref="Functions.Root"/>).</summary>
        public static IReadOnlyList<IOperation> Of(ILocalSymbol local, IOperation use) =>
            ByMember.GetValue(Functions.Root(use), Read).TryGetValue(local, out var mentions) ? mentions : None;

        private static Dictionary<ILocalSymbol, List<IOperation>> Read(IOperation member)
        {
            var byLocal = new Dictionary<ILocalSymbol, List<IOperation>>(SymbolEqualityComparer.Default);
            foreach (var operation in member.DescendantsAndSelf())
            {
                var local = operation switch
                {
                    IVariableDeclaratorOperation declarator => declarator.Symbol,
                    ILocalReferenceOperation reference => reference.Local,
                    _ => LocalValues.PatternVariable(operation),
                };

                if (local == null)
                {
                    continue;
                }

                if (!byLocal.TryGetValue(local, out var mentions))
                {
                    mentions = new List<IOperation>();
                    byLocal.Add(local, mentions);
                }

                mentions.Add(operation);
            }

            return byLocal;
        }
    }
}
