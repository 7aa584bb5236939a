using Nop.Processing.Aggregation;
using static Nop.Processing.Tests.AggregatorScenario;

namespace Nop.Processing.Tests;

/// <summary>The binary checkpoint: a snapshot and the deltas after it restore the live state exactly.</summary>
[Trait("Category", "Unit")]
public sealed class SensorAggregateCodecTests
{
    [Fact]
    public void A_snapshot_and_the_deltas_after_it_applied_in_order_equal_the_live_state_field_by_field()
    {
        var live = new AggregatorScenario();
        var restored = new Dictionary<string, SensorAggregate>();
        for (var step = 0; step < 40; step++)
        {
            // 20 s batches with a late reading and a duplicate now and then, over several windows.
            Step(live, step, "a", "b", "c");
            if (step == 5)
            {
                restored.Clear();
                SensorAggregateCodec.Apply(SensorAggregateCodec.Snapshot(live.Aggregator.Sensors.Values), restored);
                live.Aggregator.ClearChanges();
            }
            else if (step > 5 && step % 3 == 0)
            {
                SensorAggregateCodec.Apply(SensorAggregateCodec.Delta(live.Aggregator.Changed), restored);
                live.Aggregator.ClearChanges();
            }
        }
        SensorAggregateCodec.Apply(SensorAggregateCodec.Delta(live.Aggregator.Changed), restored);
        live.Aggregator.ClearChanges();

        live.Levels.Count().ShouldBeGreaterThan(30);
        restored.Keys.Order().ShouldBe(["a", "b", "c"]);
        foreach (var (id, expected) in live.Aggregator.Sensors)
        {
            ShouldEqual(restored[id], expected);
        }
    }

    [Fact]
    public void A_restored_partition_continues_with_the_same_events_as_the_live_one()
    {
        var live = new AggregatorScenario();
        for (var i = 0; i < 100; i++)
        {
            live.Send("s1", Noon.AddSeconds(i * 7), 40 + (i % 13), id: $"r{i}");
        }
        var restored = new Dictionary<string, SensorAggregate>();
        SensorAggregateCodec.Apply(SensorAggregateCodec.Snapshot(live.Aggregator.Sensors.Values), restored);
        var again = new AggregatorScenario();
        again.Aggregator.Load(restored.Values);
        var before = live.Outputs.Count;

        for (var i = 95; i < 200; i++) // 95..99 again: redelivered after the "crash"
        {
            live.Send("s1", Noon.AddSeconds(i * 7), 40 + (i % 13), id: $"r{i}");
            again.Send("s1", Noon.AddSeconds(i * 7), 40 + (i % 13), id: $"r{i}");
        }

        again.Outputs.Count.ShouldBeGreaterThan(10);
        again.Outputs.Select(o => o.MessageId).ShouldBe(live.Outputs.Skip(before).Select(o => o.MessageId));
        again.Levels.ShouldBe(live.Levels.Skip(live.Levels.Count() - again.Levels.Count()), new LevelComparer());
    }

    [Fact]
    public void A_delta_grows_by_8_bytes_per_new_reading_and_not_with_the_sensors_history()
    {
        var s = new AggregatorScenario();
        var at = 1;
        byte[] DeltaAfter(int readings)
        {
            s.Send("s1", [.. Enumerable.Range(0, readings)
                .Select(_ => Reading(Noon.AddSeconds(at++ / 100.0), 55, duration: 0.01))]);
            var delta = SensorAggregateCodec.Delta(s.Aggregator.Changed);
            s.Aggregator.ClearChanges();
            return delta;
        }

        var one = DeltaAfter(1).Length;
        var eleven = DeltaAfter(11).Length;
        DeltaAfter(2000);
        var oneLater = DeltaAfter(1).Length;

        (eleven - one).ShouldBe(80);
        oneLater.ShouldBe(one, "2,000 readings of the same window already checkpointed are not written again");
        s.Aggregator.Sensors["s1"].Windows.ShouldHaveSingleItem().Count.ShouldBe(2013);
    }

    [Fact]
    public void A_delta_that_does_not_follow_the_state_it_is_applied_to_is_rejected()
    {
        var s = new AggregatorScenario();
        s.Send("s1", Noon.AddSeconds(1), 50);
        s.Aggregator.ClearChanges();
        s.Send("s1", Noon.AddSeconds(2), 50);

        var delta = SensorAggregateCodec.Delta(s.Aggregator.Changed);

        Should.Throw<InvalidDataException>(() =>
            SensorAggregateCodec.Apply(delta, new Dictionary<string, SensorAggregate>()));
        Should.Throw<InvalidDataException>(() =>
            SensorAggregateCodec.Apply(delta.AsSpan(0, delta.Length - 1), new Dictionary<string, SensorAggregate>()));
    }

    [Fact]
    public void Deltas_write_only_the_closed_windows_that_changed_and_reload_to_the_live_state()
    {
        var live = ForgettingScenario();
        var restored = new Dictionary<string, SensorAggregate>();
        for (var step = 0; step < Steps; step++)
        {
            Step(live, step);
            var blob = step == 0
                ? SensorAggregateCodec.Snapshot(live.Aggregator.Sensors.Values)
                : SensorAggregateCodec.Delta(live.Aggregator.Changed);
            SensorAggregateCodec.Apply(blob, restored);
            live.Aggregator.ClearChanges();
        }
        // The fed clock closes the idle sensors' windows and forgets closed ones; then another delta.
        live.Aggregator.Tick(TimeSpan.FromHours(1), live.Now, live.Outputs);
        SensorAggregateCodec.Apply(SensorAggregateCodec.Delta(live.Aggregator.Changed), restored);
        live.Aggregator.ClearChanges();

        live.Levels.Count().ShouldBeGreaterThan(15);
        restored.Keys.Order().ShouldBe(["a", "b"]);
        foreach (var (id, expected) in live.Aggregator.Sensors)
        {
            ShouldEqual(restored[id], expected);
        }
    }

    [Fact]
    public void A_delta_does_not_grow_with_the_closed_windows_remembered()
    {
        var s = new AggregatorScenario();
        var sizes = new List<int>();
        for (var minute = 0; minute < 16; minute++)
        {
            // One reading a minute: each closes the previous minute's window, which is remembered (20 minutes).
            s.Send("s1", Noon.AddMinutes(minute).AddSeconds(30), 50 + (minute % 2), id: $"r{minute:00}");
            sizes.Add(SensorAggregateCodec.Delta(s.Aggregator.Changed).Length);
            s.Aggregator.ClearChanges();
        }

        s.Aggregator.Sensors["s1"].RecentlyClosed.Count.ShouldBe(15);
        sizes[15].ShouldBe(sizes[2], "each closed window is written once, when it closes");
    }

    [Fact]
    public void Checkpoints_written_in_format_2_load_and_are_continued_by_deltas_of_the_current_format()
    {
        var live = ForgettingScenario();
        for (var step = 0; step < Steps - 1; step++)
        {
            Step(live, step);
        }
        Dictionary<string, SensorAggregate> LoadVersion2()
        {
            var sensors = new Dictionary<string, SensorAggregate>();
            foreach (var blob in Version2Blobs)
            {
                blob[0].ShouldBe((byte)2);
                SensorAggregateCodec.Apply(blob, sensors);
            }
            return sensors;
        }
        var persisted = LoadVersion2();
        persisted.Keys.Order().ShouldBe(["a", "b"]);
        foreach (var (id, expected) in live.Aggregator.Sensors)
        {
            ShouldEqual(persisted[id], expected);
        }

        // Restarted from the version 2 checkpoint: the last step, then a checkpoint of the current format on top.
        var restarted = ForgettingScenario();
        restarted.Aggregator.Load(LoadVersion2().Values);
        Step(restarted, Steps - 1);
        Step(live, Steps - 1);
        SensorAggregateCodec.Apply(SensorAggregateCodec.Delta(restarted.Aggregator.Changed), persisted);
        restarted.Aggregator.ClearChanges();
        live.Aggregator.ClearChanges();
        foreach (var (id, expected) in live.Aggregator.Sensors)
        {
            ShouldEqual(restarted.Aggregator.Sensors[id], expected);
            ShouldEqual(persisted[id], expected);
        }
    }

    private const int Steps = 30;

    // Two sensors, a closed window forgotten after 2 minutes of event time (so between checkpoints too).
    private static AggregatorScenario ForgettingScenario() =>
        new(o => o.Windows.DuplicateHorizon = TimeSpan.FromMinutes(2));

    // 20 one-second readings of each sensor (a and b unless named), and every seventh step a late reading and a
    // duplicate.
    private static void Step(AggregatorScenario s, int step, params string[] sensors)
    {
        foreach (var sensor in sensors is [] ? ["a", "b"] : sensors)
        {
            var batch = Enumerable.Range(0, 20).Select(i => Reading(Noon.AddSeconds((step * 20) + i + 1),
                40 + ((step + i) % 17) + (sensor[0] - 'a'), id: $"{sensor}-{step}-{i}", lamax: i == 3 ? 101 : null))
                    .ToList();
            if (step % 7 == 6)
            {
                batch.Add(Reading(Noon.AddSeconds((step * 20) - 100), 70, id: $"{sensor}-late-{step}"));
                batch.Add(batch[0]);
            }
            s.Send(sensor, batch);
        }
    }

    // Written by the version 2 codec (main before format 3) from steps 0-28 of ForgettingScenario: a snapshot after
    // step 5 and a delta after every fourth step from 8 (Delta of Changed, then ClearChanges).
    private static readonly byte[][] Version2Blobs = [.. new[]
    {
        string.Concat(
            "AgIAAAABAAAAYQAAJpcXUkzeCABsWjtSTN4IAAAAAAAAAAABAAAAAAAmlxdSTN4IAAAAAAAAAAAAACaXF1JM3ggBAAAAAACAR0AB",
            "AAAAAAAAAQAAAAAmlxdSTN4IAQoAAABjb3JyLWEtMy0wi9vBTJLVVkEAAAAAAABOQDwAAAAAAAAAAEBZQAMAAAARAAAArgEAAAAA",
            "AAAAABBAuAEAAAAAAAAAABRAwgEAAAAAAAAAABhAzAEAAAAAAAAAABRA1gEAAAAAAAAAABBA4AEAAAAAAAAAAAhA6gEAAAAAAAAA",
            "AAhA9AEAAAAAAAAAAAhA/gEAAAAAAAAAAAhACAIAAAAAAAAAAAhAEgIAAAAAAAAAAAhAHAIAAAAAAAAAAAhAJgIAAAAAAAAAAAhA",
            "MAIAAAAAAAAAAAhAkAEAAAAAAAAAAAhAmgEAAAAAAAAAAAhApAEAAAAAAAAAAAhAAAAAADwAAAAT5B0exiJ7AxOFYs37TOcPJPsG",
            "aHFUARyVqq/PbiRohHsnejK6UEyPoD3i7zLzOsXUqvANJe2CkHtXIGcajzXV2kFMFu34X3bp0foW0i9QOac2H5nRxzMNEGGErrfT",
            "taozzzJlxY3vo30AEWoNRMxMmWMONoIg8SN0jIWLlyeXmcXkQ8gfTLsVckcKEnKCo56kkDIq+mqbea7IDaYuFBJfX2VBA3QH5FyD",
            "T4BXoYFbhF2cBCrzI54UZQdcQlGQLb5vbvVOGtxmouX8gNH+SKGwVSvMz1tdoW8BBtdnlGXFMto7jDgjWGCm4fiDxrUOAyPXyZMh",
            "nDuL2ZA3MljhRSDlV2fLUxNkLzGoRBqQMEofJnaHNvBnqVkiVazkD6u9SBou9IBkeNq3tnwSPnRuOHzJNZqTL8N21Z+98oK+Jwap",
            "Z0RG9jjmr8eQ47zNSUiQuExmwUoq22BvoClX8LqvncU6To+xF8eHSWKbfm1ac8x8/xjsuAg3Andy26lIzEo21XkJ4l5H/+EHvheS",
            "CJDSkqUJ0wmhaw7XGHtHBzlU7KckXzjaClvTrNamJdzSEz4byV4BtMcFiGvZYsXxUsw/f25LCxkh1vDKpKbgwFdqUqSA6bJ/QqVi",
            "zhEagnVqjv+mY2sBAAAAAODT81FM3ggAJpcXUkzeCAAAAAA8AAAAEQfPCJsAigV3WV/i24eYUY4jRZizOBv26fTJcRN+ju7Kanaw",
            "J+mkOyqJsQl6ihf080vG4bwB+doye3U7Mm0UytbZHhrPcJWXFkOjL2sSCYAvHoFCcoT6Q1FVkS8fyVC3IvFku7hm9HyZtKOt/CF9",
            "0hg2no5o98kSFya03ern90l2QPovdU/Ua0r1LoC1E5ipIQLTiO2h6djSpuHUkMe6YlyuYiZNfpuzQcDmEobG0qyGMmC2V8NrB41P",
            "Va35/l9eiPeYnJElPbL85M3LaD6AAvPpAcMHsj1vEKx1jcNG7weN7+u7dFEnD2UiIXOLJwhvcpCLYzK6vXZKHs6vdjoWuVF3t+Ow",
            "/dvqVIrFycR7A0kei4ToP9sXJKGqzHvLrPgFsmBzu1ZPWva7MJvcova7XZUyUuWKujEiNJxjMl/z96I6ngQUxEb4jPiu6/CWUJTR",
            "HEZT/o9u0lejhVdOIEC9pFmEull93skRofzY38YjiKAOivbyuR16y+XBklkYsYhJ8eYhFRmS8uPOXQlRT4qiTOkFoYxvOfR6uso6",
            "C4dpE1i0wJ256qLDLJ1eFRFodwNjNrHV2y1//Bru4C/EcbMJ6k9t6NzZMTUMyytpNGqbTm2GEITwx0PZBlFxy9lcANNaAQAAAGIA",
            "ACaXF1JM3ggAbFo7UkzeCAAAAAAAAAAAAQAAAAAAJpcXUkzeCAAAAAAAAAAAAAAmlxdSTN4IAQAAAAAAAEhAAQAAAAAAAAEAAAAA",
            "JpcXUkzeCAEKAAAAY29yci1iLTMtMHql53Mjv1xBAAAAAAAATkA8AAAAAAAAAABAWUADAAAAEQAAALgBAAAAAAAAAAAQQMIBAAAA",
            "AAAAAAAUQMwBAAAAAAAAAAAYQNYBAAAAAAAAAAAUQOABAAAAAAAAAAAQQOoBAAAAAAAAAAAIQPQBAAAAAAAAAAAIQP4BAAAAAAAA",
            "AAAIQAgCAAAAAAAAAAAIQBICAAAAAAAAAAAIQBwCAAAAAAAAAAAIQCYCAAAAAAAAAAAIQDACAAAAAAAAAAAIQDoCAAAAAAAAAAAI",
            "QJoBAAAAAAAAAAAIQKQBAAAAAAAAAAAIQK4BAAAAAAAAAAAIQAAAAAA8AAAAZgi9F+7iFBYmU4vSLQLpnsv7ugGQJpiFdx8/U2tC",
            "GgCs2ZFnaaNJpj6IJ+xRI6PL14C7nrW4JNd7mcKGCsk5e1Qzj8GYAPSaGskShUR/m0PDG/3LoLgvypCezvUEFS/+j/SsyGSsl1tx",
            "3gyy1xTsHgtpZPc1kk8y2KGXnyTRChZ/6kh3naX+RYGlSXAEOu+8tXC//uNdiMb6e8NK/UNhZiP2zwvY567VrMam7h4zGmdWQmha",
            "2IBc4PNGHUp5eNnlo5x8U5A2A/rjjxkCjOy+Uyed/QnlRvlu6MPtv42rRFv5BxawfGWDMGopAwPIsSAcIxH4Uw/OfILee09VaIBy",
            "9jS750WHx1U7bnnxCbVnNJ7DgCsIomSkEHR1c1O+dUop93hL8Ii+0D7iYkA9LLcuHj+infZF0E4lBZVzy/FreXDOrSmujq41+fBK",
            "uUfUPchlAdlKkoTFitIzx9QoJxkAz87vispr4gOxYfSDy7+PMipodWoECVqHeNYsD5c68vwLqY0KiBRk8e8IzfMbs5UHZE75xZuv",
            "p5NgujXPKouZ8YMunBw2VDNa+XZ6JfUWo5VR9SYVeXWwfM7Mm/aVqD17xXbkjjd6vV/84t+Z7wrBkPT0HFg3TLMWPLd49LcR785W",
            "AQAAAADg0/NRTN4IACaXF1JM3ggAAAAAPAAAAHb1UvwYLD1uBWXe91UM7dF9BtMyTM4F6tfIoVJL23sq26U8V0VnMDNhIUw5TvUs",
            "s9sAmIRf4IRZ/KFmVTTSiFc3SUtKNZhPq+SlJTkE6y6wGRGGFa16mo2yzoIryodFoUDt3qnAS+9Hfszd4i06LvkYQflWPbAbsma6",
            "Oh5f7vW87nKg+E750cbPhusffsBEvQMUkruixu7RNgqq7w5m1k0XpLuES4AYDMngpn6qgFGcGdHrEHPVLUhz6JgAbad2DF5Q/4O1",
            "7iZPyHMR8xol5H/ZJZGlHpXi1XWEWesxYNi+KKp1VFtLErL4H6386srydF3Jsgce+PCO0hvUPDxEmEvKfbAtB8lqfosVtyqFI4TL",
            "wRgdW3uEsfErq/hzboQ9MKtQzvXSnOGc96B+56//ab2w/B8QOB3szjmMEgtgEkpPVrl47PyX8ggOg4BBpG/nFSnH0/zpzr2+5byg",
            "JGuJtisHPJDpN+FQb8/JNniLQx49fSMmcpdGItkd6DoxHMx2fIlaIQImepYVPUFDsqIds93eukgqkvr4Dy0Q5UE11whj+bZ2LH46",
            "wUOWLthwt5T4Ru6T/F14mOwSp4TUbCTrEyRlXz6aFWChOvg3PoPbZEdtLtCEhyu1qLH4GWXJ1iNr5w=="),
        string.Concat(
            "AgIAAAABAAAAYQAAbFo7UkzeCACyHV9STN4IAQAAAAAAAAACAAAAAABsWjtSTN4IAAAAAAAAAAAAAGxaO1JM3ggBAAAAAAAASUAB",
            "AAAAAAAAAQAAAABsWjtSTN4IAQoAAABjb3JyLWEtNi0wZD711xj0V0EAAAAAAABOQDwAAAAAAAAAAEBZQAMAAAARAAAAzAEAAAAA",
            "AAAAABBA1gEAAAAAAAAAABRA4AEAAAAAAAAAABhA6gEAAAAAAAAAABRA9AEAAAAAAAAAABBA/gEAAAAAAAAAAAhACAIAAAAAAAAA",
            "AAhAEgIAAAAAAAAAAAhAHAIAAAAAAAAAAAhAJgIAAAAAAAAAAAhAMAIAAAAAAAAAAAhAkAEAAAAAAAAAAAhAmgEAAAAAAAAAAAhA",
            "pAEAAAAAAAAAAAhArgEAAAAAAAAAAAhAuAEAAAAAAAAAAAhAwgEAAAAAAAAAAAhAAAAAADwAAADp5uUlIEwJAWfCM+TJGLOnBgMz",
            "HcOG5nBgE9Q5WguEeKWDcQnKg2WVb+Si/RGiNPRDNUBdytjmy4OGES0BwHAwLlmk3+RPJVgYIogRffEeo65wGorON7/EPmUJEz7j",
            "tumoEinsw+T57CCEY2Lpev4/JTNjJhCXWerlg4qXP+4EnbKBxWWVwzchlWhsOsJYK2LNEpmlEvSmFE5cdpKKxl3l4bF1X1wur0Cm",
            "XWOwv2g+BVHncQgdepKAypyDE+XW/I4TG5VyZxidC/r+HDUFyKmXsuDe+IFx5gpDObhP9De1nJwWT1vJsZycNlX4h/n3gUqU9jzL",
            "nBu/QIi+71Q9ZC9BLwH3vKYxSZSziND5G3M22KL3gfcVc4bQFmpDqxqRzo23Xbtk/7snpE9w1cEioP4KvSjYvXND570Icucf+O+z",
            "ZnKe/VZxySzoins582rDOybSvD3kV4bpQJuAmlkAbIalBXD4Kkewe0KgnZlSt19z/FkaJ5h5xkASkkxfr5afNb7q54zNUoDhfbO2",
            "pT8lME3v71fpEliBsIX0P9WzQ1gFqDEwF0JXEbVm3jWcBSBJee4k1FYvu85qmvQN2LEQjcU36yTVI6vahx3OpDwS3a/HnxhIFegg",
            "3mRjI4lja57dvBQCAAAAAODT81FM3ggAJpcXUkzeCDwAAAAAAAAAACaXF1JM3ggAbFo7UkzeCDwAAAABAAAAyCH/foV4wwQBAAAA",
            "YgAAbFo7UkzeCACyHV9STN4IAQAAAAAAAAACAAAAAABsWjtSTN4IAAAAAAAAAAAAAGxaO1JM3ggBAAAAAACASUABAAAAAAAAAQAA",
            "AABsWjtSTN4IAQoAAABjb3JyLWItNi0w7vD1UNonXkEAAAAAAABOQDwAAAAAAAAAAEBZQAMAAAARAAAA1gEAAAAAAAAAABBA4AEA",
            "AAAAAAAAABRA6gEAAAAAAAAAABhA9AEAAAAAAAAAABRA/gEAAAAAAAAAABBACAIAAAAAAAAAAAhAEgIAAAAAAAAAAAhAHAIAAAAA",
            "AAAAAAhAJgIAAAAAAAAAAAhAMAIAAAAAAAAAAAhAOgIAAAAAAAAAAAhAmgEAAAAAAAAAAAhApAEAAAAAAAAAAAhArgEAAAAAAAAA",
            "AAhAuAEAAAAAAAAAAAhAwgEAAAAAAAAAAAhAzAEAAAAAAAAAAAhAAAAAADwAAAC7c6TeO3hPZVCJnWhtdKJRUyJlC2tM0cPUww5U",
            "y1Zz9fFwHgQXYySIurMNsT1ynJxzFCGSbrDRPNic3oRFrNM6lQ9Itbwhl7F2OL9/ISe3gojCtX7I9m5w04OEwSiCpFEfIt1Es4Z5",
            "eRziI+bl4oTEgla9yirMD+SFcbrbrgO3MUJsEKtgu+0V+PJGyim//HXP7vzPg+n3OG1llLKLLNMpDbN+vUDEjK/rIxFTJLU2Vlwf",
            "/uJwF2iU7BQi6N9jpacxq77eC677A3diM9WVuPkpYBmBNywNd0+jJhVH7NoHpyT6oG/PtgLnp0Y7W6Magbt17tyD+D8d3Oi9f2/3",
            "KufLWg/qvcex6XhVLtAzmFEK2wmByugvbWoNAt3iY5xaJzpOGrNN4Gpy+Pz8XVcEKMaP3BIn/d0couNfur/2K/S76Skudjbu6d+I",
            "QRLl6EtDmcm5HfAgYwJ+dGqzGINuiAtx6/nlgjks81tmNFsbL3GVi85+F1uWiGtOD6Q9/Bgcc1lVtN/LLdQi+uLkaAAufjzAnYqE",
            "4WwTbOBbpb/uZLsd+kfXUaQ+DJNxR2Xw1pQtpFLwDzptDcvFshRvm/Pp8cib8KIdDIPa3FEZdp5qu14QYjlFzX+m4YjDOM2tRUW4",
            "UDUCAAAAAODT81FM3ggAJpcXUkzeCDwAAAAAAAAAACaXF1JM3ggAbFo7UkzeCDwAAAABAAAAeSVW8pcTP3U="),
        string.Concat(
            "AgIAAAABAAAAYQAA+OCCUkzeCAC6zI5STN4IAAAAAAAAAAAEAAAAAAD44IJSTN4IAAAAAAAAAAAAAPjgglJM3ggBAAAAAAAAS0AB",
            "AAAAAAAAAQAAAAD44IJSTN4IAQsAAABjb3JyLWEtMTItMOKqMCj5HkNBAAAAAAAANEAUAAAAAAAAAABAWUABAAAAEQAAAAgCAAAA",
            "AAAAAAAAQBICAAAAAAAAAAAAQBwCAAAAAAAAAAAAQCYCAAAAAAAAAADwPzACAAAAAAAAAADwP5ABAAAAAAAAAADwP5oBAAAAAAAA",
            "AADwP6QBAAAAAAAAAADwP64BAAAAAAAAAADwP7gBAAAAAAAAAADwP8IBAAAAAAAAAADwP8wBAAAAAAAAAADwP9YBAAAAAAAAAADw",
            "P+ABAAAAAAAAAADwP+oBAAAAAAAAAADwP/QBAAAAAAAAAADwP/4BAAAAAAAAAADwPwAAAAAUAAAAPjTJLriEUh92egM50e/yGdg8",
            "A/pSn7L/o7ove6xNV4BKeY/Pciu66Hsyq9e3IfmJmuNmzU9UzX3scZPknEWE1a1dX8jYu+HYRP7hoA680NTapqD8eBz4bWbcAC6U",
            "F/GQrAMJ4DV0/Ndu98Qe2zGWngDVLizWEGSE1+QYE5L13ZS5Uf6/B1RlETM//sdmXeMQD27R8n5sHozoqLBzkLs/4gIAAAAAbFo7",
            "UkzeCACyHV9STN4IPAAAAAAAAAAAsh1fUkzeCAD44IJSTN4IAAAAADwAAAAgEWie2t5oIRgj89kPtNGSOPQEAUd4ZS3pNl5+mwH1",
            "ahEqP+xVv+6BwpUWAf7HMz/Z3vMHZFNQcgdZYmfIYchbS4kkwq+TnwPqylom1I3tgPdcHvc3fA97um9ZKSU1LRfE8bjcQr7+Uscp",
            "s3zjmcfSzI29eHQvUrUiejTtTyGalnp+yV6PjriJ5EaLuRaVF+J1uFDLQlyVrIYZjsk+BkOL4KPcxViLRruPhsDFpmTH3S8hc1VW",
            "lXh2KS0lfZmQ1nXQva8YZBx1U71D1TQnf4bnoQ4OeIA2Kenb7H7f/5sdkLvXY4Lb3SSuoQXDWeWFPmDFfNRUOSWEorRFsKRCj+Cg",
            "eXLG3Q6yTs5b4khAcHQPWbWSrP3Z2maGNDkBYz/Eu8rCnwavdSmcTDAYbM88K5Bp9huFp3gcd1pJ4rHCOTZul9kkTedrlrQEsb4Y",
            "Rud1LqpR+K8PkiH5uap1ocAvE3+CWAs7QqKJrzJFf7zXAbjDAuoe1Z982mD4ia8svQqIRsWxGCaiXUt80olbsvAZ8dBT7b0YUGhF",
            "OHRmTjNZ7M5myEClT95rsyp6yOdpiCeBGZOlwDiEeOO2uxoNCi7gVfCl3QSyGBsi/UV/C62kvGI0wOrmjy7kC39DVOa1h2DKBmsB",
            "AAAAYgAA+OCCUkzeCAC6zI5STN4IAAAAAAAAAAAEAAAAAAD44IJSTN4IAAAAAAAAAAAAAPjgglJM3ggBAAAAAACAS0ABAAAAAAAA",
            "AQAAAAD44IJSTN4IAQsAAABjb3JyLWItMTItMPzyR/9nEkhBAAAAAAAANEAUAAAAAAAAAABAWUABAAAAEQAAABICAAAAAAAAAAAA",
            "QBwCAAAAAAAAAAAAQCYCAAAAAAAAAAAAQDACAAAAAAAAAADwPzoCAAAAAAAAAADwP5oBAAAAAAAAAADwP6QBAAAAAAAAAADwP64B",
            "AAAAAAAAAADwP7gBAAAAAAAAAADwP8IBAAAAAAAAAADwP8wBAAAAAAAAAADwP9YBAAAAAAAAAADwP+ABAAAAAAAAAADwP+oBAAAA",
            "AAAAAADwP/QBAAAAAAAAAADwP/4BAAAAAAAAAADwPwgCAAAAAAAAAADwPwAAAAAUAAAAZwC1zmEJKm7o2/GQAJp49/rkQSFMHbSa",
            "xz73pqej/cPU0KVtIdXwQu+NcL/d2Qc1WMfAM6e1TyYrL3P5zd6inZncdSBDJCM4FQknqBIj5dNVsUwl2iuNoWuCtO/j+ACiEvOe",
            "TbRNJhXM63aGCr21OHuSmcDhSiVmEYkjYSL0HEqK+xXUvI5fji8HEEIyvwhh/qjDEXzDLjB0w5CIcyUSZwIAAAAAbFo7UkzeCACy",
            "HV9STN4IPAAAAAAAAAAAsh1fUkzeCAD44IJSTN4IAAAAADwAAAA+moDIbsgvnDUItpODpzSR2DJHcpN5fYQdVIQ9os+YZJ2Bnsx3",
            "05zVNXbKfWs4SwE1A4PsPJPQat8aFlssiWha5hxj9MFwdCPYJbSzdkb9fZIHmwlRSDauoUpIhy4o4HFWfq4oUlVmIJvc+Qf9n36o",
            "J9sBEW+sm2ksSRlUgJ7ugsi5Wqx2PqelTG8rdLT6q+Xb99nWkwtvsKJQuLsh/Ahb2zJTE59DQVGuSdqlkmN7Zmx05T4FnqXfkem0",
            "gR1Hc6ZUK2usH51wyCXho6KjmwZSEoF8BjPrFNFMQyQa7fzXR/ngjk43HaTcy5JYQYOQpcd+po8nq0fANGPzAzLQvzokGaoUFMAX",
            "ErjEdZ49+sVca5V83SgzrsnVTHBKaUu8CERedFB22ZhuE2YWnaFxxPvX05mTGkKWBd66XRflospHHE7hIgdXkJqimexod+e9hEaS",
            "qeyxw4/OgKxG81HUH1TcATwi6G3CpPCHuAQb4ntGHV9qhc+xwCnXyXaMX8BMS+yh4slWt77GzkO0+24YZMVjweNi6HADnzXukAEM",
            "v9sTbyJ+qWZFnFP5LJJ98SuR47qrgFUU5FYsdv0jrNdPukvri6o6ABoG2yyRWk6IZHLmegdeFu0aUUBYFv6FjlJbDwM="),
        string.Concat(
            "AgIAAAABAAAAYQAAPqSmUkzeCADCe75STN4IAAAAAAAAAAAFAAAAAAA+pKZSTN4IAAAAAAAAAAAAAD6kplJM3ggBAAAAAACAREAB",
            "AAAAAAAAAQAAAAA+pKZSTN4IAQsAAABjb3JyLWEtMTUtME28feZQ11JBAAAAAAAAREAoAAAAAAAAAABAWUACAAAAEQAAACYCAAAA",
            "AAAAAAAIQDACAAAAAAAAAAAQQJABAAAAAAAAAAAQQJoBAAAAAAAAAAAIQKQBAAAAAAAAAAAAQK4BAAAAAAAAAAAAQLgBAAAAAAAA",
            "AAAAQMIBAAAAAAAAAAAAQMwBAAAAAAAAAAAAQNYBAAAAAAAAAAAAQOABAAAAAAAAAAAAQOoBAAAAAAAAAAAAQPQBAAAAAAAAAAAA",
            "QP4BAAAAAAAAAAAAQAgCAAAAAAAAAAAAQBICAAAAAAAAAAAAQBwCAAAAAAAAAAAAQAAAAAAoAAAAldYTYMyAuubuGAhIzoT8Fjwl",
            "8KNuv2kOJGheNpo5vmMYXUypTTRnYg5XG6HgukGrSVfSkuT13mv7q8nyKLLQg3NqV5Czl0P5rGjBusCEbj2Tf4QvstSiG4GyYNb6",
            "055yBrDstzCA3RAlCXo7fyJMB+Uu/p80ecuTEzFMGhubEVGzztnfjnng7Pgdm2kYoMIYff/ew0j8iS//nUHwNt2A/RuP1/xkbByh",
            "Ej5rcaiSfsTPutZUo1Tkx8N6ILCPDsghg9w9pis/bdlDym2wjDX/NNdoaFhBLNpqjersZBU96N/jBQLjnyKM7vFNCHV3I4dJr/PX",
            "f/pra/rAlhhJQSlCQrOext9+BtdxG4/vS9Uh6JwsQDUpYohec335HdO0gg7R29Za/gXr2D6zGl84HKIvbpLOsG7SNdqKbojRusyP",
            "0UcCAAAAALIdX1JM3ggA+OCCUkzeCDwAAAABAAAAc+YNFAxGu9kA+OCCUkzeCAA+pKZSTN4IFAAAACgAAAD9msARcl+s8PercgDh",
            "JTDvQ1CXwHgBwPYZBWagCKYFBttWHztCnjxHosLShPKiSJGEpZa39aJZ+/EHAtRevBMcBpiI6JXaPvL9+pjVPgyNlnGUFGh22IxS",
            "uC9FFUvIiTiBRZclShe3+8f1YfCK/xNM4OawyhDprCfhNt+Yme6Lb+jmRBF0dOAX+Rfh0Wa6DJ5aVcAhp1Bcmd7SIr9y1CuIHKCW",
            "ciy1IV9B5UDolnQlvyYmSjPuwCKJHic9hrNhcv6izLdTT3f8QI3gTmikEp5o9wUP4TmIAjYioDrYiwIW9AHsmQENetH2xieICuGF",
            "OFg2GCj3shYKvgTEbV4ZDqeN2Flel0R0AGGuEn2e5TgHI2KEA7pckbbbUp0KZ1snU19e0cbkxPdYX4ufuspWxOqUneRGTXZ8kk3W",
            "o8huPUzj6AEAAABiAAA+pKZSTN4IAMJ7vlJM3ggAAAAAAAAAAAAAAAAAAD6kplJM3ggAAAAAAAAAAAAAPqSmUkzeCAEAAAAAAABF",
            "QAEAAAAAAAABAAAAAD6kplJM3ggBCwAAAGNvcnItYi0xNS0w1hVE8jG4V0EAAAAAAABEQCgAAAAAAAAAAEBZQAIAAAARAAAAMAIA",
            "AAAAAAAAAAhAOgIAAAAAAAAAABBAmgEAAAAAAAAAABBApAEAAAAAAAAAAAhArgEAAAAAAAAAAABAuAEAAAAAAAAAAABAwgEAAAAA",
            "AAAAAABAzAEAAAAAAAAAAABA1gEAAAAAAAAAAABA4AEAAAAAAAAAAABA6gEAAAAAAAAAAABA9AEAAAAAAAAAAABA/gEAAAAAAAAA",
            "AABACAIAAAAAAAAAAABAEgIAAAAAAAAAAABAHAIAAAAAAAAAAABAJgIAAAAAAAAAAABAAAAAACgAAABVhIjo7f+vyIlS8pjUFzVq",
            "wDXjXGIUj4PHALolkH0dt4O3HbTq6zYGXmDMLxMSptYEgeIRuSEPxHHSOImq7VSEy0BPn4TnuJsZBdCavs591fhRwRmv37U6ia2w",
            "+KP7R1Ev+MzJB18jmE21IW6ziiXB3zeVxYlatYuGS3cwaRp2acs62Vr1B1Fev4Gy/TDgUf85KT/dGWiPw0OqTZCoNm48S4vP11Om",
            "FuI4KG0pBOmLiiCD+W0+wfkZCmvQoVL3M5jvS8Xj37nGtiiXYrGSPciAPO7Owt+B8opEZ8iOfMZnRxhOWHBdAW1dUdHF++PcogBT",
            "5DWlo7ykLBspcPBmnG6dfTY7aLSiyXnqywRDNaC8mI86SKAyLLj11V/rDfcJ2pH/9g/YusyN35RMCNk5zwk4urxMUD1yyj4OF20c",
            "mbEERQIAAAAAsh1fUkzeCAD44IJSTN4IPAAAAAEAAABQlUf4f455ogD44IJSTN4IAD6kplJM3ggUAAAAKAAAALGeyQr+wDJSAnEL",
            "yqOY82HHZZNuU1ormR9gmpusKZMS+Slqe2bJLXD0v4uGgFIoNhq8CyBGkAED2N+jW/Knw6qy59+E2Rki8wQdD882UH/d0/lVVvrB",
            "Da2WSceJM744iWqejmjcKCZiITgI53C4hzUrPz7JkkHUxhhAqf3r3rVPalrapJhrZlTZgSndEhNdm/7MzVonePUsYC2mdNvqH5kj",
            "gqchnJd5tLWvH+JiJGL60GQUsNW52ZYlISlak0DUlO4p3lPlmY17j/xHvyefMLhLfBHU7njHrtaWrHCHD3625WgbrxPMyww1Y8+S",
            "8GB9Y+vr+ZCmnw3sbPuyEZE1kd9vxpKYuK0DTQEpkdzjqo9Dkb2Q0xMPOwmjvo7Er8jfljIE/3BWxp/jMO+cpmvGGsC5+Ir5hrY1",
            "iXTU0pD4to2+"),
        string.Concat(
            "AgIAAAABAAAAYQAAhGfKUkzeCADKKu5STN4IAQAAAAAAAAAGAAAAAACEZ8pSTN4IAAAAAAAAAAAAAIRnylJM3ggBAAAAAACARkAB",
            "AAAAAAAAAQAAAACEZ8pSTN4IAQsAAABjb3JyLWEtMTgtMKNFlvZTa1ZBAAAAAAAATkA8AAAAAAAAAABAWUADAAAAEQAAAJoBAAAA",
            "AAAAAAAQQKQBAAAAAAAAAAAUQK4BAAAAAAAAAAAYQLgBAAAAAAAAAAAUQMIBAAAAAAAAAAAQQMwBAAAAAAAAAAAIQNYBAAAAAAAA",
            "AAAIQOABAAAAAAAAAAAIQOoBAAAAAAAAAAAIQPQBAAAAAAAAAAAIQP4BAAAAAAAAAAAIQAgCAAAAAAAAAAAIQBICAAAAAAAAAAAI",
            "QBwCAAAAAAAAAAAIQCYCAAAAAAAAAAAIQDACAAAAAAAAAAAIQJABAAAAAAAAAAAIQAAAAAA8AAAASTwlYeXKUy7Omu3cypFb3gyn",
            "eFB0djn3aOyIkyEeArsOBwvAQjXQacRCsuS+4h19xg+j6/h6BfhSHpvt5HDeoApsv60HTCrf+wg27ZAafc4tKZnGbDRA3qOL8HHi",
            "acEfS+ZxQLt5rCghAb7n0h5l6wRLI+YilCizmvMkrR8iEHUk7jWBTGlxHdJZ2JHsLAQl0myaV2a9ZB5XSzI/VgCK0cuNUjqZjjS6",
            "ruZ6jFvMPN8nmfonv7wzOu2gvtjApWO2dj9wX9FTDjczX4Q+dgmts7ICI9aCgyx+pfgSP4FiNf69MnA8JJDwxq3MxUGusqCO2fet",
            "LVbUE4zwAZHuAiNBwHqD1KXrdgy6bJzxs1mSCpGMkchSASRSvcFkEtOfbTKMXRIE5jFWIi+NOxcKDa3EJjPLkIS4r4uvMb80H9zz",
            "tVB6uEBHrZAuBKxcMO0IWZ1kkBGDe9vguCUbwggxVXvqEScff0E3omSs4ITgQwgQwX9dnH3TZCnBh/T/zybsNkaYJHW/j5LPA7CF",
            "GRRmu0Y5u7iALp0Eadmkp8XmF0tE6totyaWmfLDm+r5vXxA87JDmJkq+UOoQe0xQjUM3SZCDqBtnN5us1Uj6fxUFzmukfRDOSmSg",
            "JTTknc+6mfGqRHi1AgAAAAD44IJSTN4IAD6kplJM3gg8AAAAAAAAAAA+pKZSTN4IAIRnylJM3ggoAAAAFQAAAHolrmAy6sX61/Vj",
            "6bc/1SvwlEzrH8e3R98YiCVab0pY0b4OSLtX4PRk/vkOMrWLKTwN6DSXpLx7fQ1y7RVW4zNpykI6ts3/9pJPcnUxGrPd/rMxMVSU",
            "0h2XhEIg8b65xoHnH68pSfK89S79SZWJ+JeE/OBW1Y6UZOC2nSgRxCW2QXJhM9R5iSr/+395aqYcEyMVWIE025SoEd8SbawI2PAG",
            "lVb8vmc7VAEAAABiAACEZ8pSTN4IAMoq7lJM3ggBAAAAAAAAAAEAAAAAAIRnylJM3ggAAAAAAAAAAAAAhGfKUkzeCAEAAAAAAABH",
            "QAEAAAAAAAABAAAAAIRnylJM3ggBCwAAAGNvcnItYi0xOC0wurqQxmI5XEEAAAAAAABOQDwAAAAAAAAAAEBZQAMAAAARAAAApAEA",
            "AAAAAAAAABBArgEAAAAAAAAAABRAuAEAAAAAAAAAABhAwgEAAAAAAAAAABRAzAEAAAAAAAAAABBA1gEAAAAAAAAAAAhA4AEAAAAA",
            "AAAAAAhA6gEAAAAAAAAAAAhA9AEAAAAAAAAAAAhA/gEAAAAAAAAAAAhACAIAAAAAAAAAAAhAEgIAAAAAAAAAAAhAHAIAAAAAAAAA",
            "AAhAJgIAAAAAAAAAAAhAMAIAAAAAAAAAAAhAOgIAAAAAAAAAAAhAmgEAAAAAAAAAAAhAAAAAADwAAADlnV191yXXR45GF0fpTt37",
            "XAgzk5l90qfeEDtLvzxbRBOcuHuQqmd7MlHgXcygxwz0Wx4I2VvZsO32C/UUmfrClQ/3qKQCXIzfb2BQIl2eJRbYpP9eE4tc3MKU",
            "FuWquIxXG4gfLKzk66DxO6ig5Ivg7zMPUhtWdeUDCsDvfQ0ExgqecEKybzJ5dD4NXKmamoUOYLoZ30J68K/NsPhCvvVrdMo0AHql",
            "wRdb5OJWoAdeEXpH9IysfD6aPqxh7z7o7mcvhvbnseFwhEa6OtYf5vens+SF0aaEj5w+Xpbm1DM/2fWceGV1lIw63rjI1NWuVyZZ",
            "EEg/9AkRJ1UkkS9hwB9jWaU2qUqPmbO/gCpcrTy2BlbPU3fzyIvztp0kWjIcBw1xRn9azuzFbgjoJh+bYpl4ulNO8GQTApI3b1dc",
            "8l7c3AAHSFVWe145fZPJ/QtcJWnfZmV/1NOc/5gcGFNmeS8euDygwosMw7WeXMycsGR/z/meHvkm03RSAmWfrZG3+AhWPTzzUR66",
            "D0ShrZeIFC8gWP6/8Po5M+dlJaUHWYI92UP7IIWyZSMWiAmdCAfrR6ziIat70MAnSkyEMfuBnkL13C06PhDviChK38meFZk9IG/0",
            "KptgqTwPQH9qXe56gDUCAAAAAPjgglJM3ggAPqSmUkzeCDwAAAAAAAAAAD6kplJM3ggAhGfKUkzeCCgAAAAVAAAAyjn3p96i8iJ6",
            "DaB6JpxPwy6HEL1UlVzACjjFCRhFOYsA5betPpqJB/be51MJB/KqsI7s/Diah6/K1YHQL3Rr2w1UfIATf6vtswnxI0WKglXjmtTs",
            "BBk49U/xw6KX/GK5qAG6jvf1aiAnnl2KlWSq7EG4VgWO9yjM+l9yBscn3iuITZ+ceKf84fkCsBs8CXosvH/TjHRcmfgMyB8GqX3/",
            "7LjraVg6uE+N"),
        string.Concat(
            "AgIAAAABAAAAYQAAEO4RU0zeCADS2R1TTN4IAAAAAAAAAAAIAAAAAAAQ7hFTTN4IAAAAAAAAAAAAABDuEVNM3ggBAAAAAACASEAB",
            "AAAAAAAAAQAAAAAQ7hFTTN4IAQsAAABjb3JyLWEtMjQtMIp5wGbF4j9BAAAAAAAANEAUAAAAAAAAAABAWUABAAAAEQAAANYBAAAA",
            "AAAAAAAAQOABAAAAAAAAAAAAQOoBAAAAAAAAAAAAQPQBAAAAAAAAAADwP/4BAAAAAAAAAADwPwgCAAAAAAAAAADwPxICAAAAAAAA",
            "AADwPxwCAAAAAAAAAADwPyYCAAAAAAAAAADwPzACAAAAAAAAAADwP5ABAAAAAAAAAADwP5oBAAAAAAAAAADwP6QBAAAAAAAAAADw",
            "P64BAAAAAAAAAADwP7gBAAAAAAAAAADwP8IBAAAAAAAAAADwP8wBAAAAAAAAAADwPwAAAAAUAAAAHBhHOelA0jifhSFp2wlx2rly",
            "MMijltkZ1JnUVGLrMxkgerxb/0xwQajAYb5yuWDjJw1L2Px6HxvUsfkda5gT2P90chduUJd3DlU0wElokCc+CupM4x6r2f+wKiLJ",
            "g+EfJlv/2/YIWqDr5wDj9Rhr+knZ+EaFJVuDpLRAZjLB1RthliK7MWqwjMHjmeOkFKPVMjJKclHhBLr1lG6RTk3sTwIAAAAAhGfK",
            "UkzeCADKKu5STN4IPAAAAAAAAAAAyiruUkzeCAAQ7hFTTN4IAAAAADwAAAD83lNMeyZj3hcVFZO/4bKMbTgh5L+nYl2CCc2OIQGP",
            "b2beJjHKIFLuoUrYVBluxsNAuubCughZj2uPz7cCc8nKUvADyvtifTZvnbbUepF3Fuuh63LLqe6kN+ZWSZJg6/oV23P6GXnNOuMt",
            "Ov6CWp+wfLQvMgxIw80usMXjFF1nXijbkx+pw4eTKPZhodejvKQHY5hbHLT61oZ/ijgQTXYV9+hvHJxRgzTCDbwtFUsV4zUUlnB1",
            "izFYGWQn7bByMPHS2xa4jvLnrlz6zg7MSqB8r2V9QXO091SJ0p+rjfi/aANqLd3pyetqQJWK9UO7l0oWUxRkMGIyrwGpBeTlWjn0",
            "vyaqv4sUmyCHtp9Bo4Xuw2T8BMlQh4Et0sfuTbhnPWefB7yDgm6/ZQwM3YVsmBfaVaVPLJBI/aerTZAXipRoNUfpcuOzXP63oCim",
            "vIQ7GaRcJQ4UCmj7m0Mys80K9O9tE2c2p7hdxPo1Z67cpqXllCiKWAZXj93j+3XdM+BAEe9nXhChOFiAfUHIzNT1fzUgWc86HQnv",
            "XBpXWYcLRf7zydd2YKCcO95ExwikpWX6A8gNZDB40qzakksmRCm1LtKtZaP+Hw0pkoviIxSBHZ/U4SwLVRtjHTyD+Ra3jx27H7sB",
            "AAAAYgAAEO4RU0zeCADS2R1TTN4IAAAAAAAAAAADAAAAAAAQ7hFTTN4IAAAAAAAAAAAAABDuEVNM3ggBAAAAAAAASUABAAAAAAAA",
            "AQAAAAAQ7hFTTN4IAQsAAABjb3JyLWItMjQtMAOWsPQoEkRBAAAAAAAANEAUAAAAAAAAAABAWUABAAAAEQAAAOABAAAAAAAAAAAA",
            "QOoBAAAAAAAAAAAAQPQBAAAAAAAAAAAAQP4BAAAAAAAAAADwPwgCAAAAAAAAAADwPxICAAAAAAAAAADwPxwCAAAAAAAAAADwPyYC",
            "AAAAAAAAAADwPzACAAAAAAAAAADwPzoCAAAAAAAAAADwP5oBAAAAAAAAAADwP6QBAAAAAAAAAADwP64BAAAAAAAAAADwP7gBAAAA",
            "AAAAAADwP8IBAAAAAAAAAADwP8wBAAAAAAAAAADwP9YBAAAAAAAAAADwPwAAAAAUAAAAJ1mLv9e9r7BuFU+XUsF/f1SM7cTEIXmx",
            "9p+LLsXHt1HNpjzOUM8AQLuFnqK7MovMY4wwh46qR7WRUT6Wb1If4lG7JcNpzFMb/b9GH0OTdG6rGna3sRO5SwsMaEQaHg/wpZOl",
            "Cd1/s8Zyk4cp4eVXF15YelhjZc2tR8loen6wForU0Ht2W7WJwCyE2iGtA2h8lA0rrpgSSdkRdixnsDsdbAIAAAAAhGfKUkzeCADK",
            "Ku5STN4IPAAAAAAAAAAAyiruUkzeCAAQ7hFTTN4IAAAAADwAAADC3lGAJhGbxM2l/UHLw3NDlLVNaPEFyoSa6DzpM48UdgQ/xvKg",
            "OukIBOk1/vkn/1Q0Jzz/eFzbYD3hLXlrEm6It9avt0PdKzzIvoXTSE6/CbMu1Qtks7jOa4zu8fXEMT0Bs+876EIKUoMhyIHnAg06",
            "ELg9kkCi3a4CJJ+0enFNKmEubXvjg2wcgjWdn1LifpAfrJLaTvLnqw2P8hnRTHLJxOCD+lCqVYy/agdtpYQt+lNAAfKpoSMWKpGt",
            "k01hrViiQQ6KVuEs7s7XrQOq4XruIDe6F+j+vs6aejbaPd+NH6XteL6/dMTnQMrYxgUnVEnD0NZe0CrKBVcLW0+0AzkcGdbtRkEc",
            "LiUkhtEweCcs085HDp0aAQYuJ6zuGIN53YN6+o6cnaLVdVKkGP25z8Lvs03J+CK092vt57UFVGOf7pDlT90vwjyLr9EY44bz2MMx",
            "rVvaB8/bNZRC4oHhCKSZJ8MaDv3QOszsdaIQT5ggigKZYgxvnUW8t8gdmRGnZARfv4UZiMuudjAqMUhsIPIA3L7L5jKvI7zeo8E4",
            "6kgUt+s+m014dMm67NiEbhXKJzi4Lb0qpD7KzttPFLaQ4fbgHA5ozWX+tRvZsqgPLBXOzq9jpv8P1EVKM5u1RxsK9jE="),
        string.Concat(
            "AgIAAAABAAAAYQAAVrE1U0zeCADaiE1TTN4IAQAAAAAAAAAJAAAAAABWsTVTTN4IAAAAAAAAAAAAAFaxNVNM3ggBAAAAAACASkAB",
            "AAAAAAAAAQAAAABWsTVTTN4IAQsAAABjb3JyLWEtMjctMEVrUowPyVFBAAAAAAAAREAoAAAAAAAAAABAWUACAAAAEQAAAPQBAAAA",
            "AAAAAAAIQP4BAAAAAAAAAAAQQAgCAAAAAAAAAAAQQBICAAAAAAAAAAAIQBwCAAAAAAAAAAAAQCYCAAAAAAAAAAAAQDACAAAAAAAA",
            "AAAAQJABAAAAAAAAAAAAQJoBAAAAAAAAAAAAQKQBAAAAAAAAAAAAQK4BAAAAAAAAAAAAQLgBAAAAAAAAAAAAQMIBAAAAAAAAAAAA",
            "QMwBAAAAAAAAAAAAQNYBAAAAAAAAAAAAQOABAAAAAAAAAAAAQOoBAAAAAAAAAAAAQAAAAAAoAAAAoTMfgkFeTmGNQGnyJ5/DVmyn",
            "JJ2fW5nlegnQWvUQs25bYOAMAoDcFve2ymrSbNXo24o1XY89CCs1WBzciaM9PsCXBs/JAOjB53Som8EH7vAO5/s9f6bauThlmYH8",
            "SJ/ttueh3FETdHdsW3XydemOo493YJq9FTAPKOzwAbfH5J7yo6lAM3+4CkTP9xTY8GJgeqIRPzBtydEvn/FGr/5T92p88sp1JDiN",
            "39tr/r4Vz7f+oaV4RHm1ShlSGeF+MVDIsXXZvM3BfKw90XfSqtpB/fRZmEHW19lJJi5wM+MrXjBzbko/uIm3DYmOMQXIMUzw7mES",
            "B2pXKzCQ2hbVMtyHN0cCmcpTuDSAYUHL4ZcCPH2ASEufgoMsMbmbwfjbeQ+iRFee855oId4e7EpmgA7ZJODaNL1U1IfDOtJHiiHR",
            "DNYCAAAAAMoq7lJM3ggAEO4RU0zeCDwAAAAAAAAAABDuEVNM3ggAVrE1U0zeCBQAAAApAAAA078ra4+HOyZtJdfbGVhKPwFe8GU+",
            "LhzfeoDBt3hd10Uja1ix9Ir+2O+2kP/nyB7cDMHlMEyQdAIZisO2iWwJi8oEI32Y4lEI7r8vnT1JoNZakcnmBHgo52dCzFO9vWnF",
            "HyO2WGxfa7y6Hk6ZVTgxqcLE1gEQvVhKDJ0vslxffstB7C/Z9M1+91/zVHLdFJVXciP9Sm93FoTKaeS8drHcCqg0EwjPc/Tk35KV",
            "K+uhmzWQHMYE196NmdAmgqxsMV0P5jPcpmwpAL0gE5prljaYq2cE+VmQcQksHQehx0f8scuv3DulxnO54zZ8GOGZWZrq0l8lok4b",
            "NvFsjtj/jW6M6+502U/mJKCMOCC48sdiX9I89AKSLnCNwbNxodzonXH2GYizelvCFz+5y/jS1GSVFFZ6mk9p5ILXXfBykLVYfU1i",
            "LfLf+dtcdwEAAABiAABWsTVTTN4IANqITVNM3ggBAAAAAAAAAAQAAAAAAFaxNVNM3ggAAAAAAAAAAAAAVrE1U0zeCAEAAAAAAABL",
            "QAEAAAAAAAABAAAAAFaxNVNM3ggBCwAAAGNvcnItYi0yNy0w2HaRv/ZjVkEAAAAAAABEQCgAAAAAAAAAAEBZQAIAAAARAAAA/gEA",
            "AAAAAAAAAAhACAIAAAAAAAAAABBAEgIAAAAAAAAAABBAHAIAAAAAAAAAAAhAJgIAAAAAAAAAAABAMAIAAAAAAAAAAABAOgIAAAAA",
            "AAAAAABAmgEAAAAAAAAAAABApAEAAAAAAAAAAABArgEAAAAAAAAAAABAuAEAAAAAAAAAAABAwgEAAAAAAAAAAABAzAEAAAAAAAAA",
            "AABA1gEAAAAAAAAAAABA4AEAAAAAAAAAAABA6gEAAAAAAAAAAABA9AEAAAAAAAAAAABAAAAAACgAAABaj6l4oZqPO+ySxHkdydPp",
            "ShjaKGMTMkuIVZDmR/sheZBxJ8KPhdpnaaoQNU0H4Z3SkabDw/tWTuDL2CbtZfQ+is9varORMoSRbbPdmLqomFYNK4woXUWua7b3",
            "T9aX6nusaH8B6lfkeyUT+3BL43Hp+RZWHipu4t1+/NQp3t1kFd1YF+Vyr70LAW25P2UhW67KuehdbTefjB4zUmoM7KaAB4IQ0b7s",
            "hfdT0PShCa2ZUBdTBlw/Jui3ixMcFBQPiwaZWfbTg+wWj8grAUXXedFLt+z0L0hUAlZMn/B5uMYrQau8WL0IY0Snk62wbgTikFbN",
            "1lZxMef6xOTzv735ArVmWGhyVzdoCNtWh9I8H0/1p0H8twAsbqW5Qi1DXKFziGTohn2z5urj80chmGnk+HBdBTMRwb+rCHGlc6rp",
            "wg7liAIAAAAAyiruUkzeCAAQ7hFTTN4IPAAAAAAAAAAAEO4RU0zeCABWsTVTTN4IFAAAACkAAADIqWD38jpEhJbseFwDkW4p6R64",
            "/RnRgu7Dpt8AzOvO5HJS40RYtylmbOynsuCzHTiaglEiHnW7VSojTLZVZh01F9og9qqGw525LR4oSALVJ2jC5OVYxCwQP7UwAkgy",
            "t0Drlpv/u25uukKS3ZMuOa3ZzTZBH969c6fwj5KZ/lgsjZBWameqzRy1O2pJ6OprE5KlAuVAcgKCC3h9ZWtOH+GQ6D0qzI0HBaPP",
            "OxHPeYg7sxyakB5VTywxo/0E2TE3SaZf+CIf5wj42l7kcBjP4uO/mbNb5YmghFaOzRSzwgJLCFQ4+sqYD3ORcrg4LefenKVT9qS9",
            "mIAyGlyNBTT0TetOSX6vJnPcFYQtpsTJaRgLPyHKF40PXMbUAkD4DcYEgf6AGOKPhDzCgl5p6wk6r5MnqCbowqI5+IrQqBCreqI+",
            "OCWa/g6oNukG"),
    }.Select(Convert.FromBase64String)];

    internal static void ShouldEqual(SensorAggregate actual, SensorAggregate expected, bool persisted = true)
    {
        actual.SensorId.ShouldBe(expected.SensorId);
        actual.Zone.ShouldBe(expected.Zone);
        actual.ClosedUntil.ShouldBe(expected.ClosedUntil);
        actual.MaxEventTime.ShouldBe(expected.MaxEventTime);
        actual.PendingLate.ShouldBe(expected.PendingLate);
        foreach (var (a, e) in new[] { (actual.LevelRule, expected.LevelRule),
            (actual.SpikeRateRule, expected.SpikeRateRule) })
        {
            (a.Above, a.Below, a.Open, a.LastWindowEnd).ShouldBe((e.Above, e.Below, e.Open, e.LastWindowEnd));
        }
        (actual.LastLaeq, actual.RepeatCount, actual.StuckReported, actual.OfflineReported)
            .ShouldBe((expected.LastLaeq, expected.RepeatCount, expected.StuckReported, expected.OfflineReported));
        actual.Windows.Count.ShouldBe(expected.Windows.Count);
        for (var i = 0; i < expected.Windows.Count; i++)
        {
            var (a, e) = (actual.Windows[i], expected.Windows[i]);
            (a.Start, a.CorrelationId, a.Energy, a.Seconds, a.Count, a.Lamax, a.Spikes)
                .ShouldBe((e.Start, e.CorrelationId, e.Energy, e.Seconds, e.Count, e.Lamax, e.Spikes));
            a.Distribution.Classes.OrderBy(c => c.Key).ShouldBe(e.Distribution.Classes.OrderBy(c => c.Key));
            a.Ids.Hashes.ShouldBe(e.Ids.Hashes);
            a.Ids.Persisted.ShouldBe(persisted ? a.Ids.Hashes.Count : 0);
        }
        actual.RecentlyClosed.Count.ShouldBe(expected.RecentlyClosed.Count);
        for (var i = 0; i < expected.RecentlyClosed.Count; i++)
        {
            var (a, e) = (actual.RecentlyClosed[i], expected.RecentlyClosed[i]);
            (a.Start, a.End).ShouldBe((e.Start, e.End));
            a.Ids.Hashes.ShouldBe(e.Ids.Hashes);
            a.Ids.Persisted.ShouldBe(persisted ? a.Ids.Hashes.Count : 0);
        }
    }

    // Records compare their distributions by reference; compare the published content instead.
    private sealed class LevelComparer : IEqualityComparer<Nop.Contracts.NoiseLevelMeasured>
    {
        public bool Equals(Nop.Contracts.NoiseLevelMeasured? x, Nop.Contracts.NoiseLevelMeasured? y) =>
            x is not null && y is not null
            && x with { Distribution = null } == y with { Distribution = null }
            && x.Distribution!.OrderBy(c => c.Key).SequenceEqual(y.Distribution!.OrderBy(c => c.Key));

        public int GetHashCode(Nop.Contracts.NoiseLevelMeasured obj) => obj.WindowStart.GetHashCode();
    }
}
