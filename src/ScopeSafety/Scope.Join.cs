using System.Runtime.ExceptionServices;

namespace ScopeSafety;

public sealed partial class Scope
{
    /// <summary>
    /// Runs <paramref name="left"/> and <paramref name="right"/>, possibly in parallel, and returns when
    /// both have finished (rayon's <c>join</c>). <paramref name="left"/> runs on the calling thread;
    /// <paramref name="right"/> may be offered to idle pool threads and, if none took it, runs on the
    /// calling thread too, without allocating.
    /// </summary>
    /// <param name="left">Work run on the calling thread.</param>
    /// <param name="right">Work that another thread may take.</param>
    /// <remarks>
    /// <para>
    /// Each thread keeps one right side on offer to idle pool threads while it has any pending: a join
    /// whose thread already has an untaken offer keeps its right side to itself, and runs
    /// <paramref name="left"/> then <paramref name="right"/> at about the cost of two calls. When a thief
    /// takes the offer, the next join on the thread offers the oldest right side still pending there, not
    /// necessarily its own: in a recursive split that is the largest piece of work left. After an offer that
    /// nobody took within microseconds (the joins are too short to be worth a thread), the thread offers
    /// nothing for a short while. A join whose right side was taken does not idle while the thief works: it
    /// runs the pieces of that right side which the thief offers (work that would have run on this thread had
    /// nobody taken it), never unrelated work, and not while it runs a <see cref="ScopedTask"/>.
    /// </para>
    /// <para>
    /// Both sides always run. If one side throws, its exception is rethrown as is (original stack trace);
    /// if both throw, an <see cref="AggregateException"/> holds the two, left first.
    /// <paramref name="right"/> runs in the <see cref="ExecutionContext"/> captured on entry, so it sees the
    /// same <see cref="AsyncLocal{T}"/> values whichever thread runs it, and its own changes to them do not
    /// reach the caller; <paramref name="left"/> is a plain call.
    /// </para>
    /// </remarks>
    public static void Join([StructuredWork] Action left, [StructuredWork] Action right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        var stack = JoinStack.Current;
        var frame = stack.RentActionFrame();
        try
        {
            frame.Right = right;
            var slot = stack.Push(frame);
            Exception? leftError = null;
            try
            {
                left();
            }
            catch (Exception e)
            {
                leftError = e;
            }

            var rightError = stack.Finish(frame, slot);
            if (leftError is not null || rightError is not null)
            {
                ThrowJoinErrors(leftError, rightError);
            }
        }
        finally
        {
            frame.Right = null;
            stack.ReturnActionFrame();
        }
    }

    /// <summary>
    /// Computes <paramref name="left"/> and <paramref name="right"/>, possibly in parallel, and returns both
    /// results (rayon's <c>join</c>). See <see cref="Join(Action, Action)"/> for when the right side is
    /// offered to other threads, and for exceptions and context.
    /// </summary>
    /// <typeparam name="T1">The type of the left result.</typeparam>
    /// <typeparam name="T2">The type of the right result.</typeparam>
    /// <param name="left">Work run on the calling thread.</param>
    /// <param name="right">Work that another thread may take.</param>
    /// <returns>Both results.</returns>
    public static (T1 Left, T2 Right) Join<T1, T2>([StructuredWork] Func<T1> left, [StructuredWork] Func<T2> right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        var stack = JoinStack.Current;
        var frames = stack.FuncFramesOf<T2>();
        var frame = frames.Rent();
        try
        {
            frame.Right = right;
            var slot = stack.Push(frame);
            T1 leftResult = default!;
            Exception? leftError = null;
            try
            {
                leftResult = left();
            }
            catch (Exception e)
            {
                leftError = e;
            }

            var rightError = stack.Finish(frame, slot);
            var rightResult = frame.TakeResult();
            if (leftError is not null || rightError is not null)
            {
                ThrowJoinErrors(leftError, rightError);
            }

            return (leftResult, rightResult);
        }
        finally
        {
            frame.Right = null;
            frames.Return();
        }
    }

    private static void ThrowJoinErrors(Exception? left, Exception? right)
    {
        if (left is not null && right is not null)
        {
            throw new AggregateException(left, right);
        }

        var single = left ?? right;
        if (single is not null)
        {
            ExceptionDispatchInfo.Throw(single);
        }
    }
}
