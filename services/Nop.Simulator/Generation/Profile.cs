namespace Nop.Simulator.Generation;

// What a simulated sensor hears.
public enum Profile
{
    // Street traffic: about 45 dB(A) at night, 65–70 in the rush hours, the odd horn or siren.
    City,
    // A building site: 80–95 dB(A) bursts in working hours (weekdays 7–17, Saturday 8–13), lamax often above 100.
    Construction,
    // Bars and clubs: 68–80 dB(A) from 20:00 to 03:00 (later at weekends), quieter by day.
    Nightlife,
    // A quiet park: 35–50 dB(A), birds and children by day.
    Park,
    // A broken sensor: normal readings, then a stuck value repeated exactly, then implausible dropouts (0 dB) and
    // clipping.
    Faulty,
    // Each sensor gets a profile that fits its zone (quiet: park, industrial: construction, commercial: city or
    // nightlife, residential: city), and every 20th sensor is faulty.
    Mixed,
}

// Sensor zones as the catalogue names them.
public enum SensorZone
{
    Residential,
    Commercial,
    Industrial,
    Quiet,
}

public static class Profiles
{
    public static Profile Parse(string value) =>
        Enum.TryParse<Profile>(value, ignoreCase: true, out var profile) && Enum.IsDefined(profile)
            ? profile
            : throw new ArgumentException(
                $"Unknown profile '{value}': use city, construction, nightlife, park, faulty or mixed.");

    // The concrete profile of the sensor at position among the simulated ones.
    public static Profile For(Profile requested, SensorZone zone, int position)
    {
        if (requested != Profile.Mixed)
        {
            return requested;
        }
        if (position % 20 == 19)
        {
            return Profile.Faulty;
        }
        return zone switch
        {
            SensorZone.Quiet => Profile.Park,
            SensorZone.Industrial => Profile.Construction,
            SensorZone.Commercial when position % 3 == 2 => Profile.Nightlife,
            _ => Profile.City,
        };
    }
}
